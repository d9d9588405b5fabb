package org.nixusb.mojo;

import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

import javax.inject.Inject;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.nixusb.BadInputException;
import org.nixusb.BuildTimestamp;
import org.nixusb.checksum.Sha256File;
import org.nixusb.arch.EfiArch;
import org.nixusb.hybrid.StickLayout;
import org.nixusb.lint.Severity;
import org.nixusb.remaster.EfiMode;
import org.nixusb.remaster.LoopbackMode;
import org.nixusb.remaster.Remaster;
import org.nixusb.bootloader.BootloaderSource;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.remaster.RemasterResult;
import org.nixusb.syslinux.MenuUi;

/**
 * Remasters a CD-only bootable ISO into an isohybrid image that also boots from a USB stick, and
 * attaches it to the project (type {@code iso}, classifier {@code usb}).
 *
 * @since 0.1.0
 */
@Mojo(name = "remaster", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class RemasterMojo extends AbstractMojo {

    /** The CD-only ISO to remaster. It is only read, never modified. Give this or {@code sourceArtifact}. */
    @Parameter(property = "nixusb.source")
    private File source;

    /**
     * The source ISO as Maven coordinates, {@code groupId:artifactId:version[:classifier]} (type {@code iso}),
     * resolved from the project's repositories, e.g. a distro ISO deployed to a repository manager.
     */
    @Parameter(property = "nixusb.sourceArtifact")
    private String sourceArtifact;

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

    /**
     * Where the ISOLINUX files go in the image (an absolute path such as {@code /boot/isolinux}). Unset:
     * the first of /isolinux, /boot/isolinux, /syslinux, /boot/syslinux and / where the source has
     * neither a file in the way nor files of the same names.
     */
    @Parameter(property = "nixusb.isolinuxDirectory")
    private String isolinuxDirectory;

    /**
     * Where a created EFI image goes in the image (an absolute path). Unset: the first free of
     * /boot/efi.img, /boot/nixusb-efi.img, /nixusb-efi.img, /nixusb-efi-2.img, ...
     */
    @Parameter(property = "nixusb.efiImagePath")
    private String efiImagePath;

    /**
     * The architectures a created GRUB EFI path (efi=create, or auto for a source without one) is for, comma
     * separated: {@code x64}, {@code ia32} (32-bit UEFI, BOOTIA32.EFI), {@code aa64} (arm64, BOOTAA64.EFI); also
     * spelled x86_64, i386, aarch64, arm64. Unset: the source's own (its EFI loaders', else its kernels'), x64 when
     * neither says. Example: {@code x64,ia32} for 64- and 32-bit UEFI PCs.
     */
    @Parameter(property = "nixusb.efiArchitectures")
    private String efiArchitectures;

    /** The GRUB x86_64 EFI binary for efi=create. Default: the host's (Debian/Ubuntu grub-efi-amd64-bin). */
    @Parameter(property = "nixusb.grubEfi")
    private File grubEfi;

    /**
     * Where ISOLINUX, its modules and MBR template, and GRUB's EFI binary come from (unless {@code syslinuxDirectory}
     * or {@code grubEfi} say): {@code bundled} (the default), the files of org.nixusb:nixusb-bootloaders of this
     * plugin's release, pinned Debian packages, the same bytes on every host; {@code host}, the build host's
     * packages; or {@code groupId:artifactId:version} of another bundle, resolved from the project's repositories.
     */
    @Parameter(property = "nixusb.bootloaders", defaultValue = "bundled")
    private String bootloaders;

    /** Write {@code <image>.sha256} (the sha256sum format) beside the image, and attach it with the image. */
    @Parameter(property = "nixusb.checksum", defaultValue = "true")
    private boolean checksum;

    /**
     * Implant an isomd5sum checksum (what checkisomd5 and installers' media checks verify) into the primary
     * volume descriptor, after the MBR and GPT are written.
     */
    @Parameter(property = "nixusb.implantMd5", defaultValue = "false")
    private boolean implantMd5;

    /**
     * Files, directories and symbolic links to add to the image, at the same paths under its root; they
     * replace what is there, and keep their modes. Ignored when the directory does not exist.
     */
    @Parameter(property = "nixusb.imageDirectory", defaultValue = "${project.basedir}/src/main/image")
    private File imageDirectory;

    /**
     * A syslinux.cfg template that replaces the generated config, with the placeholders @NIXUSB_ENTRIES@,
     * @NIXUSB_DEFAULT@, @NIXUSB_TIMEOUT@, @NIXUSB_SERIAL@ and @NIXUSB_VOLUME_ID@. Ignored when absent.
     */
    @Parameter(property = "nixusb.syslinuxTemplate", defaultValue = "${project.basedir}/src/main/syslinux/syslinux.cfg")
    private File syslinuxTemplate;

    /** Attach the image to the project, so install and deploy carry it. */
    @Parameter(property = "nixusb.attach", defaultValue = "true")
    private boolean attach;

    /** The classifier of the attached image. */
    @Parameter(property = "nixusb.classifier", defaultValue = "usb")
    private String classifier;

    /** Time for entries the remaster adds; also read from SOURCE_DATE_EPOCH when the POM sets none. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}")
    private String outputTimestamp;

    /**
     * The partition tables the image gets: {@code isohybrid} (isohybrid's nested MBR and GPT, as Debian's media),
     * {@code gpt} (a protective MBR, active, and a GPT whose partitions overlap nothing, as grub-mkrescue's), or
     * {@code mbr} (isohybrid's MBR without a GPT). Each keeps the BIOS and UEFI paths the image has.
     */
    @Parameter(property = "nixusb.layout", defaultValue = "isohybrid")
    private String layout;

    /**
     * {@code /boot/grub/loopback.cfg}, for booting the image as an ISO file on a multi-boot stick (a GRUB that
     * loop-mounts it): {@code auto} writes one from the image's menu wherever the remaster writes the tree and the
     * image's live system (Debian live-boot, Ubuntu casper, dracut live, NixOS) can be told to find its root in the
     * file; {@code add} also on a stick source that would be copied byte for byte; {@code none} never. A source's
     * own file is kept (and gets kernelArgs).
     */
    @Parameter(property = "nixusb.loopback", defaultValue = "auto")
    private String loopback;

    /**
     * Put the El Torito EFI image's files (the UEFI loaders and what they read) into the ISO tree where it lacks
     * them, so that a stick made by copying the image's files onto FAT32 (Rufus's ISO mode, a copy by hand) boots from
     * UEFI too. The same bytes: signed loaders stay signed.
     */
    @Parameter(property = "nixusb.efiTree", defaultValue = "true")
    private boolean efiTree;

    /**
     * The remaster lints its output ({@code nixusb:lint}'s checks) and fails when a finding reaches this severity:
     * {@code error}, {@code warning}, {@code info}, or {@code none} to only log them.
     */
    @Parameter(property = "nixusb.lint.failOn", defaultValue = "error")
    private String lintFailOn;

    /** Skip this goal. */
    @Parameter(property = "nixusb.remaster.skip", defaultValue = "false")
    private boolean skip;

    /** Skip every nixusb goal. */
    @Parameter(property = "nixusb.skip", defaultValue = "false")
    private boolean skipAll;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true, required = true)
    private RepositorySystemSession repositorySession;

    @Parameter(defaultValue = "${project.remoteProjectRepositories}", readonly = true)
    private List<RemoteRepository> remoteRepositories;

    private final MavenProjectHelper projectHelper;
    private final RepositorySystem repositorySystem;

    @Inject
    public RemasterMojo(MavenProjectHelper projectHelper, RepositorySystem repositorySystem) {
        this.projectHelper = projectHelper;
        this.repositorySystem = repositorySystem;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip || skipAll) {
            getLog().info("Skipping nixusb:remaster (" + (skip ? "nixusb.remaster.skip" : "nixusb.skip") + " = true)");
            return;
        }
        RemasterOptions options = options();
        File sourceFile = options.source().toFile();
        RemasterResult result;
        try {
            result = new Remaster(new MavenBuildLog(getLog())).run(options);
        } catch (BadInputException e) {
            throw MavenFailure.of(e);
        } catch (IOException | RuntimeException e) {
            throw new MojoExecutionException("Remastering " + sourceFile + " failed: " + e, e);
        }
        if (project != null && project.getFile() != null) {
            RemasterOutput.record(project, output, getLog());
        }
        lint(output, sourceFile);
        File sha = null;
        if (checksum) {
            try {
                sha = Sha256File.write(output.toPath(), result.sha256()).toFile();
                getLog().info("Wrote " + sha.getName() + " (SHA-256 " + result.sha256() + ")");
            } catch (IOException e) {
                throw new MojoExecutionException("Writing the checksum of " + output + " failed: " + e, e);
            }
        }
        publish(sha);
    }

    /** The image (and its .sha256) as the module's artifact (packaging nixusb-image) and attached. */
    private void publish(File sha) {
        if (project != null && "nixusb-image".equals(project.getPackaging())) {
            // the module's own artifact (packaging nixusb-image): what install, deploy and build caches take
            project.getArtifact().setFile(output);
            getLog().info("The image is the artifact of this nixusb-image module");
        }
        if (attach && project != null) {
            projectHelper.attachArtifact(project, "iso", classifier, output);
            if (sha != null) {
                projectHelper.attachArtifact(project, "iso.sha256", classifier, sha);
            }
            getLog().info("Attached " + output.getName() + (sha != null ? " and " + sha.getName() : "")
                    + " (type iso, classifier " + classifier + ")");
        }
    }

    /** The parameters, each parsed once, as the core's options. */
    private RemasterOptions options() throws MojoFailureException, MojoExecutionException {
        Instant timestamp;
        Long id;
        try {
            timestamp = BuildTimestamp.resolve(outputTimestamp, System.getenv("SOURCE_DATE_EPOCH"));
            id = parseId(mbrId);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException(e.getMessage());
        }
        EfiMode efiMode;
        MenuUi menuUi;
        try {
            efiMode = EfiMode.parse(efi);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<efi> (nixusb.efi): " + e.getMessage());
        }
        try {
            menuUi = MenuUi.parse(ui);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<ui> (nixusb.ui): " + e.getMessage());
        }
        StickLayout stickLayout;
        try {
            stickLayout = StickLayout.parse(layout);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<layout> (nixusb.layout): " + e.getMessage());
        }
        LoopbackMode loopbackMode;
        try {
            loopbackMode = LoopbackMode.parse(loopback);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<loopback> (nixusb.loopback): " + e.getMessage());
        }
        List<EfiArch> archs;
        try {
            archs = efiArchitectures == null || efiArchitectures.isBlank() ? null : EfiArch.parseList(efiArchitectures);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<efiArchitectures> (nixusb.efiArchitectures): " + e.getMessage());
        }
        return RemasterOptions.of(resolveSource().toPath(), output.toPath())
                .withSyslinuxDirectory(syslinuxDirectory == null ? null : syslinuxDirectory.toPath())
                .withKernelArgs(kernelArgs).withSerial(serial).withUi(menuUi).withMbrId(id).withTimestamp(timestamp)
                .withEfi(efiMode).withGrubEfi(grubEfi == null ? null : grubEfi.toPath()).withImplantMd5(implantMd5)
                .withImageDirectory(imageDirectory == null ? null : imageDirectory.toPath())
                .withSyslinuxTemplate(syslinuxTemplate == null ? null : syslinuxTemplate.toPath())
                .withSha256(checksum).withIsolinuxDirectory(blankToNull(isolinuxDirectory))
                .withEfiImagePath(blankToNull(efiImagePath)).withBootloaders(resolveBootloaders())
                .withEfiArchitectures(archs).withLayout(stickLayout).withLoopback(loopbackMode)
                .withEfiTree(efiTree);
    }

    /**
     * Lints the output: a summary line, errors one line each; fails when one that the source did not have too reaches
     * {@code lintFailOn} (a source's own problems, which a kept layout keeps, are logged: a valid input is not
     * refused for them). The image stays, so that {@code nixusb:lint} and {@code inspect} can look at it.
     */
    private void lint(File image, File source) throws MojoFailureException, MojoExecutionException {
        Severity threshold;
        try {
            threshold = Severity.parseThreshold(lintFailOn);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<lintFailOn> (nixusb.lint.failOn): " + e.getMessage());
        }
        org.nixusb.lint.OutputLint verdict;
        try {
            verdict = org.nixusb.lint.OutputLint.judge(image.toPath(), source.toPath(), threshold);
        } catch (BadInputException e) {
            throw MavenFailure.of(e);
        } catch (IOException | RuntimeException e) {
            throw new MojoExecutionException("Linting " + image + " failed: " + e, e);
        }
        getLog().info(verdict.summary() + (verdict.report().findings().isEmpty() ? "" : " (mvn nixusb:lint "
                + "-Dnixusb.image=" + image + " explains each and its cure)"));
        verdict.errorLines().forEach(getLog()::error);
        if (verdict.revocationLine() != null) {
            getLog().warn(verdict.revocationLine());
        }
        if (verdict.keptLine() != null) {
            getLog().warn(verdict.keptLine());
        }
        if (verdict.fails()) {
            throw new MojoFailureException(image + ": lint found " + verdict.failing() + " (failOn="
                    + lintFailOn + "); the image was written, the findings above say what is wrong. "
                    + "-Dnixusb.lint.failOn=none only logs them");
        }
    }

    /** The source file: {@code source}, or {@code sourceArtifact} resolved through Maven's repositories. */
    private File resolveSource() throws MojoFailureException {
        boolean hasFile = source != null;
        boolean hasArtifact = sourceArtifact != null && !sourceArtifact.isBlank();
        if (hasFile == hasArtifact) {
            throw new MojoFailureException(hasFile
                    ? "Both <source> (nixusb.source = " + source + ") and <sourceArtifact> (nixusb.sourceArtifact = "
                            + sourceArtifact + ") are set. Set exactly one of them"
                    : "No source ISO: set <source> / -Dnixusb.source=path/to.iso, or <sourceArtifact> / "
                            + "-Dnixusb.sourceArtifact=groupId:artifactId:version[:classifier]");
        }
        if (hasFile) {
            return source;
        }
        String[] p = sourceArtifact.strip().split(":");
        if (p.length < 3 || p.length > 4 || java.util.Arrays.stream(p).anyMatch(String::isBlank)) {
            throw new MojoFailureException("<sourceArtifact> (nixusb.sourceArtifact) '" + sourceArtifact
                    + "' is not groupId:artifactId:version[:classifier]");
        }
        Artifact wanted = new DefaultArtifact(p[0], p[1], p.length == 4 ? p[3] : "", "iso", p[2]);
        return resolve(wanted, "Source " + sourceArtifact, "The source ISO", "nixusb.sourceArtifact", "Deploy it to a repository the project "
                + "uses (mvn deploy:deploy-file -Dpackaging=iso ...), or install it locally (mvn install:install-file "
                + "-Dpackaging=iso ...)");
    }

    /** The {@code bootloaders} parameter: coordinates of a bundle, resolved to its jar; else bundled, host or a jar. */
    private BootloaderSource resolveBootloaders() throws MojoFailureException {
        if (!BootloaderSource.isCoordinates(bootloaders)) {
            try {
                return BootloaderSource.parse(bootloaders);
            } catch (BadInputException e) {
                throw MavenFailure.of(e);
            }
        }
        String[] p = bootloaders.strip().split(":");
        File jar = resolve(new DefaultArtifact(p[0], p[1], "", "jar", p[2]), "Boot loaders " + bootloaders.strip(),
                "The boot loader bundle",
                "nixusb.bootloaders", "Name a released org.nixusb:nixusb-bootloaders version, or use bundled or host");
        return BootloaderSource.jar(jar.toPath());
    }

    /**
     * Resolves an artifact through the project's repositories, or fails naming the parameter and a cure.
     *
     * @param logged how the log line names it ("Source g:a:v resolved to ...")
     */
    private File resolve(Artifact wanted, String logged, String what, String property, String cure)
            throws MojoFailureException {
        try {
            ArtifactResult r = repositorySystem.resolveArtifact(repositorySession,
                    new ArtifactRequest(wanted, remoteRepositories, null));
            getLog().info(logged + " resolved to " + r.getArtifact().getFile());
            return r.getArtifact().getFile();
        } catch (ArtifactResolutionException e) {
            throw new MojoFailureException(what + " " + wanted + " (" + property + ") could not be resolved: "
                    + e.getMessage() + ". " + cure, e);
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

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
