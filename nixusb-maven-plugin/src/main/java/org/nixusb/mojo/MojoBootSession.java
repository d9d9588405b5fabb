package org.nixusb.mojo;

import java.io.IOException;
import java.util.List;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.nixusb.BadInputException;
import org.nixusb.boot.BootSession;
import org.nixusb.qemu.BootResult;

/**
 * Runs a {@link BootSession} for a goal and maps its outcome to the build: a failed boot fails it, unless the
 * usual {@code testFailureIgnore} ({@code maven.test.failure.ignore}) says to go on.
 */
final class MojoBootSession {
    private MojoBootSession() {
    }

    static List<BootResult> run(Log log, BootSession.Request request, boolean failureIgnore)
            throws MojoExecutionException, MojoFailureException {
        BootSession.Outcome outcome;
        try {
            outcome = BootSession.run(new MavenBuildLog(log), request);
        } catch (BadInputException e) {
            throw MavenFailure.of(e);
        } catch (IOException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        if (outcome.failed().isEmpty()) {
            return outcome.all();
        }
        if (failureIgnore) {
            for (String line : outcome.failureMessage().split("\\R")) {
                log.error(line);
            }
            int n = request.modes().size();
            log.warn(outcome.failed().size() + " of " + n + " boot" + (n == 1 ? "" : "s") + " failed; the build goes "
                    + "on (testFailureIgnore, maven.test.failure.ignore = true)");
            return outcome.all();
        }
        throw new MojoFailureException(outcome.failureMessage());
    }
}
