package org.nixusb.mojo;

import java.io.File;
import java.util.regex.Pattern;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.nixusb.qemu.Accelerator;
import org.nixusb.qemu.QemuBoot;

/** The parameters every goal that boots the image in QEMU shares. */
abstract class AbstractQemuMojo extends AbstractMojo {

    /** The image to boot. */
    @Parameter(property = "nixusb.image", defaultValue = "${project.build.directory}/${project.build.finalName}-usb.iso")
    protected File image;

    /** A regular expression; the boot passes when the serial console prints a match. */
    @Parameter(property = "nixusb.boot.expect", defaultValue = "login:")
    protected String expect;

    /** A regular expression; the boot fails at once when the serial console prints a match. */
    @Parameter(property = "nixusb.boot.fail", defaultValue = QemuBoot.DEFAULT_FAIL)
    protected String fail;

    /** Seconds to wait for {@code expect}. Generous by default: without KVM a kernel boots in software. */
    @Parameter(property = "nixusb.boot.timeout", defaultValue = "600")
    protected int timeout;

    /** Guest memory in MiB. */
    @Parameter(property = "nixusb.boot.memory", defaultValue = "1024")
    protected int memory;

    /** The QEMU binary: a name on PATH or a path. */
    @Parameter(property = "nixusb.boot.qemu", defaultValue = "qemu-system-x86_64")
    protected String qemu;

    /** {@code auto} (KVM when /dev/kvm is usable, else software emulation), {@code kvm} or {@code tcg}. */
    @Parameter(property = "nixusb.boot.accel", defaultValue = "auto")
    protected String accel;

    /** Where the serial logs, screenshots and the HTML report go. */
    @Parameter(property = "nixusb.boot.logDirectory", defaultValue = "${project.build.directory}/nixusb")
    protected File logDirectory;

    /** The {@code accel} parameter, parsed. */
    protected Accelerator accelerator() throws MojoFailureException {
        try {
            return Accelerator.parse(accel);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("<accel> (nixusb.boot.accel): " + e.getMessage());
        }
    }

    protected Pattern failPattern() {
        return fail == null || fail.isBlank() ? null : Pattern.compile(fail);
    }
}
