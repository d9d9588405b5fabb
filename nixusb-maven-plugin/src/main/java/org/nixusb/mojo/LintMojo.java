package org.nixusb.mojo;

import java.io.File;
import java.io.IOException;
import java.util.List;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.nixusb.BadInputException;
import org.nixusb.inspect.ReportFormat;
import org.nixusb.lint.ImageLint;
import org.nixusb.lint.Severity;
import org.nixusb.secureboot.DbxList;
import org.nixusb.secureboot.SbatLevels;

/**
 * Judges an image's stick layout against what firmware is known to refuse: MBR, both GPT copies, the El Torito
 * catalog, the EFI System Partition and its loaders, the BIOS boot code's pointer and the volume size. Each finding
 * has an identifier, a severity, the bytes read, what firmware does with it and a cure. Needs no project:
 * {@code mvn nixusb:lint -Dnixusb.image=any.iso}; in a project it lints the remaster's output. The build fails when
 * a finding reaches {@code failOn}.
 *
 * @since 0.1.0
 */
@Mojo(name = "lint", requiresProject = false, threadSafe = true)
public class LintMojo extends AbstractMojo {

    /** The image to lint. Unset: the remaster's output in this project. */
    @Parameter(property = "nixusb.image")
    private File image;

    /** {@code text} or {@code json}. */
    @Parameter(property = "nixusb.format", defaultValue = "text")
    private String format;

    /** The severity that fails the build: {@code error}, {@code warning}, {@code info} or {@code none}. */
    @Parameter(property = "nixusb.lint.failOn", defaultValue = "error")
    private String failOn;

    /** Also write the report to this file. */
    @Parameter(property = "nixusb.lint.output")
    private File output;

    /**
     * A newer list of the SBAT revocation levels PCs hold (the format of the plugin's pinned {@code sbat-levels.txt}:
     * {@code level NAME} lines, each followed by its {@code SbatLevel} payload). Unset: the pinned list.
     */
    @Parameter(property = "nixusb.lint.sbatLevels")
    private File sbatLevels;

    /**
     * A revocation list PCs may hold ({@code dbx}): an EFI signature list ({@code .esl}) or a signed dbx update as
     * published for the firmware. A chain program whose Authenticode SHA-256 it lists is {@code DBX_REVOKED}. The
     * revocation list built into the image's shim is always judged.
     */
    @Parameter(property = "nixusb.lint.dbx")
    private File dbx;

    /**
     * Also judge a copy of the image's files onto a FAT32 stick (Rufus's ISO mode, a copy by hand): the FAT_COPY_*
     * findings (a UEFI loader only inside the El Torito EFI image, files of 4 GiB or more, symbolic links the boot
     * needs, names FAT cannot hold, the label the stick must carry).
     */
    @Parameter(property = "nixusb.lint.fatCopy", defaultValue = "false")
    private boolean fatCopy;

    @Parameter(defaultValue = "${project}", readonly = true)
    private MavenProject project;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        Severity threshold;
        try {
            threshold = Severity.parseThreshold(failOn);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<failOn> (nixusb.lint.failOn): " + e.getMessage());
        }
        ReportFormat reportFormat = ReportFiles.format(format);
        File target = image;
        if (target == null) {
            if (project == null || project.getFile() == null) {
                throw new MojoFailureException("No image to lint: name it with -Dnixusb.image=path/to/image.iso");
            }
            target = InspectMojo.remasterOutput(project);
        }
        ImageLint.Report report;
        try {
            report = ImageLint.lint(target.toPath(), sbatLevels == null ? SbatLevels.pinned()
                    : SbatLevels.read(sbatLevels.toPath()), dbx == null ? List.of() : DbxList.read(dbx.toPath())
                    .sha256Hex(), fatCopy);
        } catch (BadInputException e) {
            throw MavenFailure.of(e);
        } catch (IOException | RuntimeException e) {
            throw new MojoExecutionException("Linting " + target + " failed: " + e, e);
        }
        String out = reportFormat == ReportFormat.JSON ? report.json() : report.text();
        if (output != null) {
            String refused = InspectMojo.imageAsReport(output.toPath(), target.toPath(), project != null
                    && project.getFile() != null ? InspectMojo.remasterOutput(project).toPath() : null);
            if (refused != null) {
                throw new MojoFailureException(refused.replace("inspect", "lint"));
            }
            ReportFiles.write(output, out);
        }
        System.out.print(out);
        System.out.flush();
        Severity worst = report.worst();
        if (worst != null && worst.reaches(threshold)) {
            throw new MojoFailureException(target + ": lint found " + report.findings().stream()
                    .filter(f -> f.severity().reaches(threshold)).map(f -> f.id()).toList() + " (failOn="
                    + failOn + "); the report above gives each finding's cure. -Dnixusb.lint.failOn=none reports "
                    + "without failing");
        }
    }
}
