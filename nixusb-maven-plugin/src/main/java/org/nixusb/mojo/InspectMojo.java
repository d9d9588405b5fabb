package org.nixusb.mojo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.nixusb.BadInputException;
import org.nixusb.inspect.ImageInspection;
import org.nixusb.inspect.ReportFormat;

/**
 * Prints what an image is and whether it will boot from a BIOS USB stick, a BIOS CD, a UEFI USB stick
 * and a UEFI CD, with the reasons: volume id, El Torito entries, MBR and GPT partitions, boot entries,
 * the ISOLINUX version inside. Needs no project: {@code mvn nixusb:inspect -Dnixusb.source=some.iso}.
 *
 * @since 0.1.0
 */
@Mojo(name = "inspect", requiresProject = false, threadSafe = true)
public class InspectMojo extends AbstractMojo {

    /** The image to inspect. */
    @Parameter(property = "nixusb.source", required = true)
    private File source;

    /** {@code text} or {@code json}. */
    @Parameter(property = "nixusb.format", defaultValue = "text")
    private String format;

    /** Also write the report to this file. */
    @Parameter(property = "nixusb.inspect.output")
    private File output;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        ReportFormat reportFormat;
        try {
            reportFormat = ReportFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<format> (nixusb.format): " + e.getMessage());
        }
        Map<String, Object> report;
        try {
            report = ImageInspection.inspect(source.toPath());
        } catch (BadInputException e) {
            throw MavenFailure.of(e);
        } catch (IOException | RuntimeException e) {
            throw new MojoExecutionException("Inspecting " + source + " failed: " + e, e);
        }
        String out = reportFormat.render(report);
        if (output != null) {
            try {
                Files.createDirectories(output.toPath().toAbsolutePath().getParent());
                Files.writeString(output.toPath(), out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new MojoExecutionException("Writing " + output + " failed: " + e, e);
            }
        }
        // the report is the goal's result: print it even under -q
        System.out.print(out);
        System.out.flush();
    }
}
