package org.nixusb.mojo;

import java.io.File;
import java.io.IOException;
import java.time.Instant;

import javax.inject.Inject;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.nixusb.BadInputException;
import org.nixusb.remaster.Remaster;
import org.nixusb.remaster.RemasterOptions;

/**
 * Remasters a CD-only bootable ISO into an isohybrid image that also boots from a USB stick, and
 * attaches it to the project (type {@code iso}, classifier {@code usb}).
 *
 * @since 0.1.0
 */
@Mojo(name = "remaster", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class RemasterMojo extends AbstractMojo {

    /** The CD-only ISO to remaster. It is only read, never modified. */
    @Parameter(property = "nixusb.source", required = true)
    private File source;

    /** Where the hybrid image goes. It is written to a temporary file and moved into place. */
    @Parameter(property = "nixusb.output", defaultValue = "${project.build.directory}/${project.build.finalName}-usb.iso")
    private File output;

    /**
     * A syslinux BIOS installation (isolinux.bin, isohdpfx.bin, *.c32). Default: the host's, found in the
     * usual places of Debian/Ubuntu, Fedora, Arch and Nix.
     */
    @Parameter(property = "nixusb.syslinuxDirectory")
    private File syslinuxDirectory;

    /** Appended to every boot entry's kernel command line, e.g. {@code console=ttyS0}. */
    @Parameter(property = "nixusb.kernelArgs")
    private String kernelArgs;

    /** Adds {@code SERIAL 0 115200} to the generated syslinux config, so the boot menu shows on ttyS0. */
    @Parameter(property = "nixusb.serial", defaultValue = "false")
    private boolean serial;

    /** The syslinux menu: {@code menu} (text, works on serial), {@code vesamenu} (graphical) or {@code none}. */
    @Parameter(property = "nixusb.ui", defaultValue = "menu")
    private String ui;

    /** The MBR disk id (hex with 0x, or decimal). Default: derived from the image, so builds are reproducible. */
    @Parameter(property = "nixusb.mbrId")
    private String mbrId;

    /**
     * UEFI boot: {@code keep} the source's El Torito EFI image and make it visible to USB firmware (an 0xEF
     * MBR slot and a GPT, as isohybrid --uefi does); {@code create} one (GRUB, converted from the same boot
     * entries) when the source has none; {@code none} for a BIOS-only image. {@code auto}: keep when present,
     * else create.
     */
    @Parameter(property = "nixusb.efi", defaultValue = "auto")
    private String efi;

    /** The GRUB x86_64 EFI binary for efi=create. Default: the host's (Debian/Ubuntu grub-efi-amd64-bin). */
    @Parameter(property = "nixusb.grubEfi")
    private File grubEfi;

    /** Attach the image to the project, so install and deploy carry it. */
    @Parameter(property = "nixusb.attach", defaultValue = "true")
    private boolean attach;

    /** The classifier of the attached image. */
    @Parameter(property = "nixusb.classifier", defaultValue = "usb")
    private String classifier;

    /** Time for entries the remaster adds; also read from SOURCE_DATE_EPOCH when the POM sets none. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}")
    private String outputTimestamp;

    /** Skip this goal. */
    @Parameter(property = "nixusb.remaster.skip", defaultValue = "false")
    private boolean skip;

    /** Skip every nixusb goal. */
    @Parameter(property = "nixusb.skip", defaultValue = "false")
    private boolean skipAll;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    private final MavenProjectHelper projectHelper;

    @Inject
    public RemasterMojo(MavenProjectHelper projectHelper) {
        this.projectHelper = projectHelper;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip || skipAll) {
            getLog().info("Skipping nixusb:remaster (" + (skip ? "nixusb.remaster.skip" : "nixusb.skip") + " = true)");
            return;
        }
        Instant timestamp;
        Long id;
        try {
            timestamp = BuildTimestamp.resolve(outputTimestamp, System.getenv("SOURCE_DATE_EPOCH"));
            id = parseId(mbrId);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage());
        }
        if (!efi.matches("auto|keep|create|none")) {
            throw new MojoFailureException("<efi> (nixusb.efi) is '" + efi + "'; use auto, keep, create or none");
        }
        if (!ui.matches("menu|vesamenu|none")) {
            throw new MojoFailureException("<ui> (nixusb.ui) is '" + ui + "'; use menu, vesamenu or none");
        }
        RemasterOptions options = new RemasterOptions(source.toPath(), output.toPath(),
                syslinuxDirectory == null ? null : syslinuxDirectory.toPath(), kernelArgs, serial, ui, id, timestamp,
                efi, grubEfi == null ? null : grubEfi.toPath());
        try {
            new Remaster(new MavenBuildLog(getLog())).run(options);
        } catch (BadInputException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new MojoExecutionException("Remastering " + source + " failed: " + e, e);
        }
        if (attach && project != null) {
            projectHelper.attachArtifact(project, "iso", classifier, output);
            getLog().info("Attached " + output.getName() + " (type iso, classifier " + classifier + ")");
        }
    }

    static Long parseId(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String v = s.strip().toLowerCase();
        try {
            long id = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            if (id < 0 || id > 0xFFFFFFFFL) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("<mbrId> (nixusb.mbrId) '" + s
                    + "' is not a 32-bit number (write it as 0x12345678 or in decimal)");
        }
    }
}
