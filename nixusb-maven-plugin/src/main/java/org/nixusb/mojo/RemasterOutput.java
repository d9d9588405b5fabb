package org.nixusb.mojo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.maven.project.MavenProject;

/**
 * Where {@code nixusb:remaster} wrote this project's image, for the goals that look at it by default ({@code inspect},
 * {@code lint}): the remaster records its output under the build directory, so those goals, run in the same build or
 * later on their own, need not read the remaster's configuration. Before any remaster ran: the output the project's
 * {@code nixusb.output} property names, else the remaster's default.
 */
final class RemasterOutput {
    /** The record, under the build directory: one line, the absolute path of the last image written. */
    static final String RECORD = "nixusb/remaster-output.txt";

    private RemasterOutput() {
    }

    /** Notes that the remaster of {@code project} wrote {@code image}; a record that cannot be written is only lost. */
    static void record(MavenProject project, File image, org.apache.maven.plugin.logging.Log log) {
        Path record = Path.of(project.getBuild().getDirectory(), RECORD);
        try {
            Files.createDirectories(record.getParent());
            Files.writeString(record, image.getAbsolutePath() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.debug("Could not note the remaster's output in " + record + ": " + e.getMessage());
        }
    }

    /** The image the last remaster of {@code project} wrote; else the one its settings name. */
    static File of(MavenProject project) {
        Path record = Path.of(project.getBuild().getDirectory(), RECORD);
        if (Files.isRegularFile(record)) {
            try {
                String line = Files.readString(record, StandardCharsets.UTF_8).strip();
                if (!line.isEmpty()) {
                    return new File(line);
                }
            } catch (IOException unreadable) {
                // the settings below name it too
            }
        }
        String configured = project.getProperties().getProperty("nixusb.output");
        if (configured != null && !configured.isBlank()) {
            File f = new File(configured.strip());
            return f.isAbsolute() ? f : new File(project.getBasedir(), configured.strip());
        }
        return new File(project.getBuild().getDirectory(), project.getBuild().getFinalName() + "-usb.iso");
    }
}
