package org.nixusb.mojo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.codehaus.plexus.util.cli.CommandLineUtils;
import org.nixusb.BadInputException;
import org.nixusb.qemu.BootMode;
import org.nixusb.qemu.BootResult;
import org.nixusb.qemu.QemuBoot;
import org.nixusb.report.BootReports;

/**
 * Boots the image in QEMU, attached as a USB stick by default, and passes when the serial console
 * shows {@code expect}. The image is never modified.
 *
 * @since 0.1.0
 */
@Mojo(name = "boot", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class BootMojo extends AbstractQemuMojo {





    /**
     * How the image is attached when {@code modes} is not set: {@code bios-usb} (USB stick on xHCI, SeaBIOS),
     * {@code bios-hdd}, {@code bios-cdrom}, {@code uefi-usb} or {@code uefi-cdrom} (OVMF).
     */
    @Parameter(property = "nixusb.boot.mode", defaultValue = "bios-usb")
    private String mode;

    /** Several modes, comma-separated (e.g. {@code bios-usb,uefi-usb,uefi-cdrom}); each boots with its own log. */
    @Parameter(property = "nixusb.boot.modes")
    private String modes;

    /** OVMF code image for the UEFI modes. Default: the host's (Debian/Ubuntu package ovmf). */
    @Parameter(property = "nixusb.boot.ovmfCode")
    private File ovmfCode;

    /** OVMF variable store template; each boot gets a private copy. */
    @Parameter(property = "nixusb.boot.ovmfVars")
    private File ovmfVars;




    /** More QEMU arguments, split like a shell would. */
    @Parameter(property = "nixusb.boot.qemuArgs")
    private String qemuArgs;


    /** Where the JUnit XML report goes ({@code TEST-nixusb-boot.xml}, Surefire's format). */
    @Parameter(property = "nixusb.boot.reportsDirectory", defaultValue = "${project.build.directory}/nixusb-reports")
    private File reportsDirectory;

    @Parameter(defaultValue = "${project.artifactId}", readonly = true)
    private String artifactId;

    /** Skip this goal. */
    @Parameter(property = "nixusb.boot.skip", defaultValue = "false")
    private boolean skip;

    /** Skip every nixusb goal. */
    @Parameter(property = "nixusb.skip", defaultValue = "false")
    private boolean skipAll;

    /** The usual switches of test plugins also skip the boot test. */
    @Parameter(property = "skipTests", defaultValue = "false")
    private boolean skipTests;

    @Parameter(property = "skipITs", defaultValue = "false")
    private boolean skipITs;

    @Parameter(property = "maven.test.skip", defaultValue = "false")
    private boolean mavenTestSkip;

    /**
     * Report failed boots (console log, screenshot, JUnit XML and HTML reports) without failing the build,
     * as Surefire does with the same property: for pipelines that collect the reports, and for negative
     * controls that show a boot test can fail.
     */
    @Parameter(property = "maven.test.failure.ignore", defaultValue = "false")
    private boolean testFailureIgnore;

    private String suiteName() {
        return artifactId == null ? "image" : artifactId;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        String why = skip ? "nixusb.boot.skip" : skipAll ? "nixusb.skip" : skipTests ? "skipTests"
                : skipITs ? "skipITs" : mavenTestSkip ? "maven.test.skip" : null;
        if (why != null) {
            getLog().info("Skipping nixusb:boot (" + why + " = true)");
            return;
        }
        List<BootMode> bootModes;
        Pattern expectPattern;
        Pattern failPattern;
        List<String> extra;
        try {
            bootModes = modes != null && !modes.isBlank() ? BootMode.parseList(modes) : List.of(BootMode.parse(mode));
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
        if (timeout <= 0) {
            throw new MojoFailureException("<timeout> (nixusb.boot.timeout) must be a positive number of seconds");
        }
        QemuBoot qemuBoot = new QemuBoot(new MavenBuildLog(getLog()));
        List<BootResult> failed = new ArrayList<>();
        List<BootResult> all = new ArrayList<>();
        for (BootMode m : bootModes) {
            File logFile = new File(logDirectory, "boot-" + m.id() + ".log");
            QemuBoot.Settings settings = new QemuBoot.Settings(image.toPath(), m, expectPattern, failPattern,
                    Duration.ofSeconds(timeout), memory, qemu, accel, logFile.toPath(), extra,
                    ovmfCode == null ? null : ovmfCode.toPath(), ovmfVars == null ? null : ovmfVars.toPath());
            BootResult r;
            try {
                r = qemuBoot.boot(settings);
            } catch (BadInputException e) {
                throw new MojoFailureException(e.getMessage(), e);
            } catch (IOException e) {
                throw new MojoExecutionException("Booting " + image + " failed: " + e, e);
            }
            all.add(r);
            if (r.passed()) {
                getLog().info(String.format("Boot %s PASSED in %.1f s: %s", m.id(), r.millis() / 1000.0, r.reason()));
            } else {
                getLog().error(String.format("Boot %s FAILED after %.1f s: %s (serial log %s)", m.id(),
                        r.millis() / 1000.0, r.reason(), r.log()));
                failed.add(r);
            }
        }
        Path junit;
        Path html;
        try {
            junit = BootReports.junit(reportsDirectory.toPath(), "nixusb.boot." + suiteName(), image.toPath(), all);
            html = BootReports.html(logDirectory.toPath(), image.toPath(), all);
            getLog().info("Boot reports: " + junit + ", " + html);
        } catch (IOException e) {
            throw new MojoExecutionException("Writing the boot reports failed: " + e, e);
        }
        if (failed.isEmpty()) {
            return;
        }
        StringBuilder msg = new StringBuilder();
        for (BootResult r : failed) {
            msg.append(String.format("Boot %s of %s FAILED after %.1f s: %s.%n  Serial log: %s%n", r.mode().id(), image,
                    r.millis() / 1000.0, r.reason(), r.log()));
            if (r.screenshot() != null) {
                msg.append("  Screenshot: ").append(r.screenshot()).append(System.lineSeparator());
            }
            if (!r.command().isEmpty()) {
                msg.append("  Rerun by hand: ").append(String.join(" ", r.command())).append(System.lineSeparator());
            }
        }
        msg.append("  Report: ").append(html).append(" and ").append(junit);
        if (testFailureIgnore) {
            for (String line : msg.toString().strip().split("\\R")) {
                getLog().error(line);
            }
            getLog().warn(failed.size() + " of " + bootModes.size() + " boot" + (bootModes.size() == 1 ? "" : "s")
                    + " failed; the build goes on (testFailureIgnore, maven.test.failure.ignore = true)");
            return;
        }
        throw new MojoFailureException(msg.toString().strip());
    }
}
