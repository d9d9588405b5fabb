package org.nixusb.mojo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.nixusb.inspect.ReportFormat;

/** What {@code inspect} and {@code lint} share: the {@code format} parameter and the report file. */
final class ReportFiles {
    private ReportFiles() {
    }

    static ReportFormat format(String format) throws MojoFailureException {
        try {
            return ReportFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<format> (nixusb.format): " + e.getMessage());
        }
    }

    /** Writes {@code report} to {@code output}, creating its directory. */
    static void write(File output, String report) throws MojoExecutionException {
        try {
            Files.createDirectories(output.toPath().toAbsolutePath().getParent());
            Files.writeString(output.toPath(), report, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MojoExecutionException("Writing " + output + " failed: " + e, e);
        }
    }
}
