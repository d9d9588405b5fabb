package org.nixusb.mojo;

import java.io.File;
import java.io.IOException;
import java.util.Map;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.nixusb.BadInputException;
import org.nixusb.inspect.ImageInspection;
import org.nixusb.inspect.ReportTarget;
import org.nixusb.inspect.ReportFormat;

/**
 * Prints what an image is and whether it will boot from a BIOS USB stick, a BIOS CD, a UEFI USB stick
 * and a UEFI CD, with the reasons: volume id, El Torito entries, MBR and GPT partitions, boot entries,
 * the ISOLINUX version inside. Needs no project: {@code mvn nixusb:inspect -Dnixusb.image=some.iso}; in a
 * project it inspects the remaster's output unless told otherwise.
 *
 * @since 0.1.0
 */
@Mojo(name = "inspect", requiresProject = false, threadSafe = true)
public class InspectMojo extends AbstractMojo {

    /**
     * The image to inspect, as {@code boot}, {@code debug} and {@code write} name it. Unset: {@code source} when
     * given on the command line (or outside a project), else the remaster's output in this project.
     */
    @Parameter(property = "nixusb.image")
    private File image;

    /** The image to inspect, the older name; {@code image} wins when both are given. */
    @Parameter(property = "nixusb.source")
    private File source;

    @Parameter(defaultValue = "${project}", readonly = true)
    private MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true)
    private MavenSession session;

    /** {@code text} or {@code json}. */
    @Parameter(property = "nixusb.format", defaultValue = "text")
    private String format;

    /** Also write the report to this file. */
    @Parameter(property = "nixusb.inspect.output")
    private File output;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        ReportFormat reportFormat = ReportFiles.format(format);
        File target = imageToInspect();
        getLog().debug("Inspecting " + target);
        Map<String, Object> report;
        try {
            report = ImageInspection.inspect(target.toPath());
        } catch (BadInputException e) {
            throw MavenFailure.of(e);
        } catch (IOException | RuntimeException e) {
            throw new MojoExecutionException("Inspecting " + target + " failed: " + e, e);
        }
        String out = reportFormat.render(report);
        String refused = imageAsReport(output == null ? null : output.toPath(), target.toPath(),
                project != null && project.getFile() != null ? remasterOutput(project).toPath() : null);
        if (refused != null) {
            throw new MojoFailureException(refused);
        }
        if (output != null) {
            ReportFiles.write(output, out);
        }
        // the report is the goal's result: print it even under -q
        System.out.print(out);
        System.out.flush();
    }

    /**
     * {@code image}; else {@code source} where it was asked for (the command line, or no project to take the
     * output from: in a project, {@code nixusb.source} usually names the CD-only input of the remaster); else
     * the remaster's output as the project configures it.
     */
    private File imageToInspect() throws MojoFailureException {
        if (image != null) {
            return image;
        }
        boolean inProject = project != null && project.getFile() != null;
        boolean sourceOnCommandLine = session != null && session.getUserProperties().containsKey("nixusb.source");
        if (source != null && (sourceOnCommandLine || !inProject)) {
            return source;
        }
        if (inProject) {
            return remasterOutput(project);
        }
        throw new MojoFailureException("No image to inspect: name it with -Dnixusb.image=path/to/image.iso "
                + "(or <image> in the plugin's configuration)");
    }

    /**
     * Why the report must not be written to {@code report}, or null when it may: it names the image inspected, the
     * remaster's output, or an existing file that is not text (an image). A plugin-level {@code <output>} meant for
     * {@code remaster} reaches {@code inspect} too, whose report file has the same parameter name.
     */
    static String imageAsReport(java.nio.file.Path report, java.nio.file.Path inspected,
            java.nio.file.Path remasterOutput) {
        String refused = ReportTarget.refusal(report, "inspect", inspected, remasterOutput);
        return refused == null ? null : refused.replace("; nothing was written", " (<output> of nixusb:inspect names "
                + "it); nothing was written. A plugin-level <output> meant for nixusb:remaster reaches inspect too: "
                + "move it into the remaster's <execution>, then name the report with -Dnixusb.inspect.output=report.txt");
    }

    /** Where {@code nixusb:remaster} wrote in this project ({@link RemasterOutput}). */
    static File remasterOutput(MavenProject project) {
        return RemasterOutput.of(project);
    }
}
