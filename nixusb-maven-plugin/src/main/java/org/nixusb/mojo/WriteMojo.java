package org.nixusb.mojo;

import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.nixusb.BadInputException;
import org.nixusb.boot.BootSession;
import org.nixusb.qemu.Accelerator;
import org.nixusb.qemu.BootMode;
import org.nixusb.qemu.QemuBoot;
import org.nixusb.write.StickWriter;
import org.nixusb.write.SysfsDeviceFacts;

/**
 * Writes the image to a whole USB stick, safely: it refuses partitions, internal disks, mounted or
 * swapped devices, RAID/LVM members, the running system's disk and sticks that are too small; it asks
 * for confirmation; and it reads the stick back and compares SHA-256 sums. No project needed:
 * {@code mvn nixusb:write -Dnixusb.image=x-usb.iso -Dnixusb.device=/dev/sdX}.
 *
 * @since 0.1.0
 */
@Mojo(name = "write", requiresProject = false, threadSafe = true)
public class WriteMojo extends AbstractQemuMojo {

    /** The whole device to write (e.g. /dev/sdb), or a plain file for a virtual machine. */
    @Parameter(property = "nixusb.device", required = true)
    private File device;

    /**
     * After writing and verifying, boot the device (or file) just written, in {@code bootModes}, through a
     * throw-away overlay that never writes to it: the stick itself is what is proven.
     */
    @Parameter(property = "nixusb.write.boot", defaultValue = "false")
    private boolean boot;

    /** The modes {@code nixusb.write.boot} boots the written stick in. */
    @Parameter(property = "nixusb.write.bootModes", defaultValue = "bios-usb,uefi-usb")
    private String bootModes;

    /** Where the JUnit XML report of those boots goes. */
    @Parameter(property = "nixusb.boot.reportsDirectory", defaultValue = "${project.build.directory}/nixusb-reports")
    private File reportsDirectory;

    /** In batch mode: the device name again (sdb or /dev/sdb), as the confirmation. */
    @Parameter(property = "nixusb.confirm")
    private String confirm;

    /** Write an image that is not a hybrid image (it will not boot from a stick). */
    @Parameter(property = "nixusb.force", defaultValue = "false")
    private boolean force;

    @Parameter(defaultValue = "${settings.interactiveMode}", readonly = true)
    private boolean interactive;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        MavenBuildLog log = new MavenBuildLog(getLog());
        StickWriter writer = new StickWriter(new SysfsDeviceFacts(), log);
        try {
            StickWriter.Target target = writer.check(image.toPath(), device.toPath(), force);
            if (target.isDevice()) {
                String name = target.device().name();
                boolean confirmed = confirm != null && (confirm.equals(name) || confirm.equals(device.getPath()));
                Console console = System.console();
                if (!confirmed && interactive && console != null) {
                    console.printf("About to overwrite %s%n  mounted: none; everything on it will be lost.%n"
                            + "Type the device name (%s) to go on: ", target.device().describe(), name);
                    String answer = console.readLine();
                    confirmed = answer != null && (answer.strip().equals(name) || answer.strip().equals(
                            device.getPath()));
                }
                if (!confirmed) {
                    throw new MojoFailureException(device + ": not confirmed (" + target.device().describe() + "). "
                            + "Everything on it would be lost. Run interactively and type the device name, or pass "
                            + "-Dnixusb.confirm=" + name);
                }
            }
            writer.write(image.toPath(), target);
            if (boot) {
                bootWritten(target.path());
            }
        } catch (BadInputException e) {
            throw MavenFailure.of(e);
        } catch (IOException e) {
            throw new MojoExecutionException("Writing " + image + " to " + device + " failed: " + e, e);
        }
    }

    /** Boots what was written, read-only, as the stick it is (its own size). */
    private void bootWritten(Path written) throws MojoExecutionException, MojoFailureException {
        logDirectory = WithoutProject.orBelowCurrentDirectory(logDirectory, WithoutProject.LOGS);
        reportsDirectory = WithoutProject.orBelowCurrentDirectory(reportsDirectory, WithoutProject.REPORTS);
        List<BootMode> modes;
        Pattern expectPattern;
        try {
            modes = BootMode.parseList(bootModes);
            expectPattern = Pattern.compile(expect);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("nixusb:write boot configuration: " + e.getMessage());
        }
        for (BootMode m : modes) {
            if (!m.disk()) {
                throw new MojoFailureException("<bootModes> (nixusb.write.bootModes): " + m.id() + " is not a stick "
                        + "or disk mode; a written stick boots as bios-usb, bios-hdd, uefi-usb or uefi-usb-secure");
            }
        }
        getLog().info("Booting the written " + written + " read-only (a throw-away overlay) in " + bootModes);
        QemuBoot.Stick stick = new QemuBoot.Stick(0, true, true);
        Accelerator acceleratorValue = accelerator();
        Pattern failPattern = failPattern();
        MojoBootSession.run(getLog(), new BootSession.Request(written, modes, m -> QemuBoot.Settings.builder(
                written, m, new File(logDirectory, "written-" + m.id() + ".log").toPath()).expect(expectPattern)
                .fail(failPattern).timeout(Duration.ofSeconds(timeout)).memoryMiB(memory).qemu(qemu)
                .accelerator(acceleratorValue).stick(stick).build(),
                0, logDirectory.toPath(), reportsDirectory.toPath(), "nixusb.write.boot"), false);
    }
}
