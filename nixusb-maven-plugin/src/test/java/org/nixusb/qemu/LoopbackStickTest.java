package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/**
 * The multi-boot stick's GRUB menu ({@code uefi-loopback}): GRUB's own checker accepts it, it follows the loopback
 * convention (the file loop-mounted as root, its path exported as iso_path, the image's loopback.cfg read), and an
 * image without a loopback.cfg ends in a line the default fail patterns catch (GRUB's configfile says nothing).
 */
class LoopbackStickTest {
    @Test
    void theMenuFollowsTheConventionAndAMissingFileFailsFast() throws Exception {
        HostTools.require("grub-script-check");
        Path dir = HostTools.workDir("loopback-stick");
        String cfg = LoopbackStick.config("/isos/live image.iso");
        Path file = Files.writeString(dir.resolve("grub.cfg"), cfg);
        HostTools.run("grub-script-check", file.toString());
        assertTrue(cfg.contains("set isofile=\"/isos/live image.iso\"\n  loopback loop \"$isofile\"\n"
                + "  set root=(loop)\n  set iso_path=\"$isofile\"\n  export iso_path\n"), cfg);
        assertTrue(cfg.contains("configfile /boot/grub/loopback.cfg"), cfg);
        String said = "error: file `/boot/grub/loopback.cfg' not found in /isos/live image.iso: it does not boot as an "
                + "ISO file";
        assertTrue(cfg.contains("echo \"" + said.replace("/isos/live image.iso", "$isofile") + "\""), cfg);
        assertTrue(Pattern.compile(QemuBoot.DEFAULT_FAIL).matcher(said).find(), "the default fail patterns catch it");
    }
}
