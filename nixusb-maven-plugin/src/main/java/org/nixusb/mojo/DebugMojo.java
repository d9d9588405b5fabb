package org.nixusb.mojo;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.nixusb.BadInputException;
import org.nixusb.qemu.Accelerator;
import org.nixusb.qemu.BootMode;
import org.nixusb.qemu.BootResult;
import org.nixusb.qemu.DirectBoot;
import org.nixusb.qemu.QemuBoot;

/**
 * Boots a boot entry's kernel and initrd directly, taken out of the image, with {@code boot.trace
 * console=ttyS0} and the image attached as a USB stick so the initrd can find its root: the seed's
 * troubleshooting recipe. Interactively the serial console is the terminal; in batch mode it goes to
 * {@code target/nixusb/debug-<entry>.log} and the goal waits for {@code expect}. The full qemu command
 * line is printed so it can be rerun by hand.
 *
 * @since 0.1.0
 */
@Mojo(name = "debug", requiresProject = false, threadSafe = true)
public class DebugMojo extends AbstractQemuMojo {


    /** The entry (ISOLINUX label or systemd-boot id); default: the default entry. */
    @Parameter(property = "nixusb.debug.entry")
    private String entry;

    /** Software emulation with {@code -icount shift=auto}, to watch early boot in slow motion. */
    @Parameter(property = "nixusb.debug.slow", defaultValue = "false")
    private boolean slow;

    /** Batch mode (serial to a file, wait for {@code expect}); default: when Maven runs non-interactively. */
    @Parameter(property = "nixusb.debug.batch")
    private Boolean batch;








    @Parameter(defaultValue = "${settings.interactiveMode}", readonly = true)
    private boolean interactive;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        MavenBuildLog log = new MavenBuildLog(getLog());
        logDirectory = WithoutProject.orBelowCurrentDirectory(logDirectory, WithoutProject.LOGS);
        try {
            DirectBoot.Prepared p = DirectBoot.prepare(image.toPath(), entry, logDirectory.toPath().resolve("debug"));
            List<String> extra = DirectBoot.args(p, slow);
            getLog().info("Entry " + p.entry().id() + " from " + p.from() + ": kernel " + p.entry().kernel()
                    + ", initrd " + p.entry().initrds() + ", command line: " + p.append());
            QemuBoot.Settings s = QemuBoot.Settings.builder(image.toPath(), BootMode.DIRECT,
                    logDirectory.toPath().resolve("debug-" + p.entry().id() + ".log")).expect(Pattern.compile(expect))
                    .fail(failPattern()).timeout(Duration.ofSeconds(timeout)).memoryMiB(memory).qemu(qemu)
                    .accelerator(slow ? Accelerator.TCG : accelerator()).extraArgs(extra).build();
            boolean batchMode = batch != null ? batch : !(interactive && System.console() != null);
            if (!batchMode) {
                List<String> cmd = new ArrayList<>(new QemuBoot(log).command(s, QemuBoot.findQemu(qemu),
                        slow ? "tcg" : "kvm:tcg", null));
                getLog().info("qemu command (rerun by hand): " + String.join(" ", quoteAll(cmd)));
                getLog().info("The serial console follows; quit with Ctrl-A X");
                Process proc = new ProcessBuilder(cmd).inheritIO().start();
                proc.waitFor();
                return;
            }
            BootResult r = new QemuBoot(log).boot(s);
            getLog().info("qemu command (rerun by hand): " + String.join(" ", quoteAll(r.command())));
            if (!r.passed()) {
                throw new MojoFailureException("Direct boot of " + p.entry().id() + " FAILED after "
                        + r.millis() / 1000 + " s: " + r.reason() + ". Serial log: " + r.log());
            }
            getLog().info(String.format("Direct boot of %s PASSED in %.1f s: %s; serial log %s", p.entry().id(),
                    r.millis() / 1000.0, r.reason(), r.log()));
        } catch (BadInputException e) {
            throw MavenFailure.of(e);
        } catch (IOException e) {
            throw new MojoExecutionException("Debug boot of " + image + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> quoteAll(List<String> cmd) {
        return cmd.stream().map(a -> a.matches("[A-Za-z0-9_./=:,+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .toList();
    }
}
