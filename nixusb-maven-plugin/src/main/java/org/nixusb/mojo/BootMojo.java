package org.nixusb.mojo;

import java.io.File;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.codehaus.plexus.util.cli.CommandLineUtils;
import org.nixusb.BadInputException;
import org.nixusb.boot.BootSession;
import org.nixusb.qemu.Accelerator;
import org.nixusb.qemu.BootCache;
import org.nixusb.qemu.BootMode;
import org.nixusb.qemu.ConsoleScript;
import org.nixusb.qemu.GuestArch;
import org.nixusb.qemu.QemuBoot;
import org.nixusb.secureboot.SecureBootVariables;

/**
 * Boots the image in QEMU, attached as a USB stick by default, and passes when the serial console
 * shows {@code expect}. The image is never modified.
 *
 * @since 0.1.0
 */
@Mojo(name = "boot", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true, requiresProject = false)
public class BootMojo extends AbstractQemuMojo {
    /**
     * How the image is attached when {@code modes} is not set: {@code bios-usb} (USB stick on xHCI, SeaBIOS),
     * {@code bios-hdd}, {@code bios-cdrom}, {@code uefi-usb} or {@code uefi-cdrom} (OVMF). Unset: {@code bios-usb},
     * or {@code uefi-usb} for an image without a BIOS path (one for arm64, say).
     */
    @Parameter(property = "nixusb.boot.mode")
    private String mode;

    /**
     * The machine the UEFI modes boot on: {@code auto} (the one the image's EFI loaders are for: x86_64, else
     * aarch64, else ia32), {@code x86_64}, {@code aarch64} (qemu-system-aarch64 -M virt with AAVMF) or {@code ia32}
     * (a PC with 32-bit OVMF, which starts BOOTIA32.EFI). BIOS modes always boot a PC.
     */
    @Parameter(property = "nixusb.boot.arch", defaultValue = "auto")
    private String arch;

    /** Several modes, comma-separated (e.g. {@code bios-usb,uefi-usb,uefi-cdrom}); each boots with its own log. */
    @Parameter(property = "nixusb.boot.modes")
    private String modes;

    /** OVMF code image for the UEFI modes. Default: the host's (Debian/Ubuntu package ovmf). */
    @Parameter(property = "nixusb.boot.ovmfCode")
    private File ovmfCode;

    /** OVMF variable store template; each boot gets a private copy. */
    @Parameter(property = "nixusb.boot.ovmfVars")
    private File ovmfVars;

    /**
     * The SBAT revocation level the firmware of the {@code *-secure} modes holds, as a PC does in its
     * {@code SbatLevel} variable: {@code latest} (the newest level the plugin pins: an up-to-date PC),
     * {@code previous} (the level before it), {@code shim} (none: only what the image's own shim writes on its first
     * start, as on a PC that never ran anything newer), or a file of levels (the newest one in it is written).
     */
    @Parameter(property = "nixusb.boot.sbatLevel", defaultValue = "latest")
    private String sbatLevel;

    /**
     * The revocation list {@code dbx} the firmware of the {@code *-secure} modes holds: {@code firmware} (as the
     * variable store holds it), {@code none} (empty), or a file (an EFI signature list, or a signed dbx update as
     * published for PCs) added to the store's list.
     */
    @Parameter(property = "nixusb.boot.dbx", defaultValue = "firmware")
    private String dbx;

    /**
     * Machine owner keys enrolled before the {@code *-secure} modes boot (comma-separated DER or PEM certificates),
     * as MokManager leaves them in {@code MokList}: shim then runs a boot loader or kernel signed by such a key.
     */
    @Parameter(property = "nixusb.boot.mok")
    private List<File> mok;

    /**
     * The size of the virtual stick (or disk) the USB and disk modes boot, the image at its start as after
     * writing it to a stick: {@code 8G}, {@code 16GiB}, {@code 512M}, bytes, or {@code 0} for exactly the
     * image. A throw-away overlay; the image is only read.
     */
    @Parameter(property = "nixusb.boot.stickSize", defaultValue = "8G")
    private String stickSize;

    /**
     * {@code uefi-usb} boots with the El Torito catalog masked, so that the firmware reaches the EFI loader
     * only through the MBR 0xEF slot or the GPT, as on firmware that ignores El Torito on disks.
     * {@code false} boots the image as it is (OVMF then also finds the El Torito EFI image).
     */
    @Parameter(property = "nixusb.boot.maskCatalog", defaultValue = "true")
    private boolean maskCatalog;

    /** {@code uefi-usb} first checks the MBR/GPT layout and fails fast without booting when it is wrong. */
    @Parameter(property = "nixusb.boot.layoutCheck", defaultValue = "true")
    private boolean layoutCheck;

    /** Boots that run at once, each in its own QEMU. 0: as many as the machine has cores (at most the modes). */
    @Parameter(property = "nixusb.boot.threads", defaultValue = "0")
    private int threads;
    /** More QEMU arguments, split like a shell would. */
    @Parameter(property = "nixusb.boot.qemuArgs")
    private String qemuArgs;

    /** Where the JUnit XML report goes ({@code TEST-nixusb-boot.xml}, Surefire's format). */
    @Parameter(property = "nixusb.boot.reportsDirectory", defaultValue = "${project.build.directory}/nixusb-reports")
    private File reportsDirectory;

    @Parameter(defaultValue = "${project.artifactId}", readonly = true)
    private String artifactId;

    @Parameter(defaultValue = "${project.basedir}", readonly = true)
    private File basedir;

    /** Skip this goal. */
    @Parameter(property = "nixusb.boot.skip", defaultValue = "false")
    private boolean skip;

    /** Skip every nixusb goal. */
    @Parameter(property = "nixusb.skip", defaultValue = "false")
    private boolean skipAll;

    /** The usual switches of test plugins also skip the boot test: {@code -DskipTests}. */
    @Parameter(property = "skipTests", defaultValue = "false")
    private boolean skipTests;

    /** {@code -DskipITs}, the Failsafe plugin's switch, skips the boot test too. */
    @Parameter(property = "skipITs", defaultValue = "false")
    private boolean skipITs;

    /** {@code -Dmaven.test.skip=true} skips the boot test too. */
    @Parameter(property = "maven.test.skip", defaultValue = "false")
    private boolean mavenTestSkip;

    /**
     * Report failed boots (console log, screenshot, JUnit XML and HTML reports) without failing the build,
     * as Surefire does with the same property: for pipelines that collect the reports, and for negative
     * controls that show a boot test can fail.
     */
    @Parameter(property = "maven.test.failure.ignore", defaultValue = "false")
    private boolean testFailureIgnore;

    /**
     * Console steps to run once {@code expect} matched: a file (such as {@code src/test/nixusb/smoke.steps}) or the
     * steps themselves, one a line ({@code expect}, {@code send}, {@code keys}, {@code run CMD => REGEX},
     * {@code run! CMD}, {@code poweroff}; {@code [name]} before and {@code @60s} after a step). Each step is a test
     * case of the report.
     */
    @Parameter(property = "nixusb.boot.script")
    private String script;

    /**
     * Where passed boots are kept, keyed by everything that decides them (the image's SHA-256, mode, machine, QEMU
     * version, firmware, a secure mode's SBAT level, dbx and MOK, stick, memory, QEMU arguments, expect, fail patterns,
     * script, nixusb version): a boot with
     * the same key is not repeated; its result, log, screenshot and steps are reused. {@code none}: no cache.
     */
    @Parameter(property = "nixusb.boot.cache", defaultValue = "${user.home}/.cache/nixusb/boots")
    private String cache;

    /** Boot even when the cache holds a passed boot with the same key (the new result is kept). */
    @Parameter(property = "nixusb.boot.force", defaultValue = "false")
    private boolean force;

    private BootCache bootCache() {
        if (cache == null || cache.isBlank() || cache.strip().equalsIgnoreCase("none") || WithoutProject.unresolved(cache)) {
            return null;
        }
        return new BootCache(java.nio.file.Path.of(cache.strip()).toAbsolutePath());
    }

    /** The script's steps ({@link ConsoleScript#resolve}: a file relative to the project, or the steps). */
    private ConsoleScript readScript() throws MojoFailureException {
        try {
            return ConsoleScript.resolve(script, basedir == null || WithoutProject.unresolved(basedir) ? null
                    : basedir.toPath());
        } catch (BadInputException e) {
            throw MavenFailure.of(e);
        }
    }

    private String suiteName() {
        return artifactId == null || artifactId.equals("standalone-pom") ? "image" : artifactId;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        String why = skip ? "nixusb.boot.skip" : skipAll ? "nixusb.skip" : skipTests ? "skipTests"
                : skipITs ? "skipITs" : mavenTestSkip ? "maven.test.skip" : null;
        if (why != null) {
            getLog().info("Skipping nixusb:boot (" + why + " = true)");
            return;
        }
        if (WithoutProject.unresolved(image)) {
            throw new MojoFailureException("nixusb:boot has no project to take the image from: set it with "
                    + "-Dnixusb.image=path/to/image.iso");
        }
        logDirectory = WithoutProject.orBelowCurrentDirectory(logDirectory, WithoutProject.LOGS);
        reportsDirectory = WithoutProject.orBelowCurrentDirectory(reportsDirectory, WithoutProject.REPORTS);
        List<BootMode> bootModes;
        GuestArch machine;
        Pattern expectPattern;
        Pattern failPattern;
        List<String> extra;
        try {
            bootModes = modes != null && !modes.isBlank() ? BootMode.parseList(modes) : mode != null && !mode.isBlank()
                    ? List.of(BootMode.parse(mode)) : List.of(QemuBoot.defaultMode(image.toPath()));
            machine = GuestArch.parse(arch);
            expectPattern = Pattern.compile(expect);
            failPattern = failPattern();
            extra = qemuArgs == null || qemuArgs.isBlank() ? List.of()
                    : Arrays.asList(CommandLineUtils.translateCommandline(qemuArgs));
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("nixusb:boot configuration: " + e.getMessage());
        } catch (Exception e) {
            throw new MojoFailureException("<qemuArgs> (nixusb.boot.qemuArgs) cannot be split: " + e.getMessage());
        }
        if (bootModes.isEmpty()) {
            throw new MojoFailureException("<modes> (nixusb.boot.modes) names no boot mode");
        }
        ConsoleScript steps = readScript();
        if (timeout <= 0) {
            throw new MojoFailureException("<timeout> (nixusb.boot.timeout) must be a positive number of seconds");
        }
        long stickBytes;
        try {
            stickBytes = org.nixusb.ByteSize.parse(stickSize);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<stickSize> (nixusb.boot.stickSize) '" + stickSize + "': " + e.getMessage()
                    + "; write it like 8G, 16GiB, 512M or 0 (the image's own size)");
        }
        if (threads < 0) {
            throw new MojoFailureException("<threads> (nixusb.boot.threads) must be 0 (one per core) or more");
        }
        QemuBoot.Stick stick = new QemuBoot.Stick(stickBytes, maskCatalog, layoutCheck);
        SecureBootVariables secure;
        try {
            secure = SecureBootVariables.parse(sbatLevel, dbx, mok == null ? List.of()
                    : mok.stream().map(File::toPath).toList());
        } catch (BadInputException e) {
            throw new MojoFailureException("<sbatLevel>, <dbx> or <mok> (nixusb.boot.sbatLevel, nixusb.boot.dbx, "
                    + "nixusb.boot.mok): " + e.getMessage(), e);
        }
        Accelerator accelerator = accelerator();
        MojoBootSession.run(getLog(), new BootSession.Request(image.toPath(), bootModes, m -> QemuBoot.Settings.builder(
                image.toPath(), m, new File(logDirectory, "boot-" + m.id() + ".log").toPath()).expect(expectPattern)
                .fail(failPattern).timeout(Duration.ofSeconds(timeout)).memoryMiB(memory).qemu(qemu)
                .accelerator(accelerator).extraArgs(extra).ovmf(ovmfCode == null ? null : ovmfCode.toPath(),
                        ovmfVars == null ? null : ovmfVars.toPath()).stick(stick).arch(machine).script(steps)
                .secureVariables(secure).cache(bootCache(), force).build(),
                threads, logDirectory.toPath(), reportsDirectory.toPath(), "nixusb.boot." + suiteName()),
                testFailureIgnore);
    }
}
