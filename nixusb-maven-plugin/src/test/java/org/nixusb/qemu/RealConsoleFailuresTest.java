package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/**
 * The default failure pattern against what real systems print on the serial console when their boot gives
 * up (transcripts as live-boot, casper, initramfs-tools, dracut, systemd, NixOS stage 1 and GRUB print them),
 * each judged a failure at once, naming the line; and against transcripts of boots that succeed, which also
 * speak of initramfs, dracut and GRUB, judged by the expected pattern alone.
 */
class RealConsoleFailuresTest {
    private static final Pattern EXPECT = Pattern.compile("login:");
    private static final Pattern FAIL = Pattern.compile(QemuBoot.DEFAULT_FAIL);

    private static ConsoleWatcher judge(String console, String name) throws Exception {
        Path dir = HostTools.workDir("real-console");
        ConsoleWatcher w = new ConsoleWatcher(new ByteArrayInputStream(console.getBytes(StandardCharsets.UTF_8)),
                dir.resolve(name + ".log"), EXPECT, FAIL);
        w.run();
        // a prompt without a newline is judged once the console is quiet, as the boot loop does
        w.evaluate(true);
        w.close();
        return w;
    }

    /** transcript -> the text the verdict must name */
    private static Map<String, String> failures() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("""
                Begin: Running /scripts/live-premount ... done.\r
                Begin: Mounting root file system ... Begin: Running /scripts/live-top ... done.\r
                Begin: Running /scripts/live-premount ... done.\r
                Begin: Running /scripts/live-realpremount ... done.\r
                Unable to find a medium containing a live file system\r
                \r
                BusyBox v1.35.0 (Debian 1:1.35.0-4+b3) built-in shell (ash)\r
                Enter 'help' for a list of built-in commands.\r
                \r
                (initramfs) \u001B[6n""", "Unable to find a medium containing a live file system");
        m.put("""
                [    9.871234] sd 2:0:0:0: [sda] Attached SCSI removable disk\r
                (initramfs) Unable to find a medium containing a live file system\r
                """, "(initramfs)");
        m.put("""
                Gave up waiting for root file system device.  Common problems:\r
                 - Boot args (cat /proc/cmdline)\r
                   - Check rootdelay= (did the system wait long enough?)\r
                 - Missing modules (cat /proc/modules; ls /dev)\r
                ALERT!  LABEL=NIXOS_ISO does not exist.  Dropping to a shell!\r
                \r
                BusyBox v1.30.1 (Ubuntu 1:1.30.1-7ubuntu3) built-in shell (ash)\r
                Enter 'help' for a list of built-in commands.\r
                \r
                (initramfs)\s""", "(initramfs)");
        m.put("""
                [  134.104365] dracut-initqueue[592]: Warning: dracut-initqueue: timeout, still waiting for following initqueue hooks:\r
                [  134.106123] dracut-initqueue[592]: Warning: /lib/dracut/hooks/initqueue/finished/devexists-\\x2fdev\\x2froot.sh: "[ -e "/dev/root" ]"\r
                """, "Warning: dracut-initqueue: timeout");
        m.put("""
                [  187.349121] dracut-initqueue[403]: Warning: dracut-initqueue timeout - starting timeout scripts\r
                """, "Warning: dracut-initqueue timeout");
        m.put("""
                Generating "/run/initramfs/rdsosreport.txt"\r
                \r
                \r
                Entering emergency mode. Exit the shell to continue.\r
                Type "journalctl" to view system logs.\r
                """, "Entering emergency mode");
        m.put("""
                [  OK  ] Reached target Emergency Mode.\r
                You are in emergency mode. After logging in, type "journalctl -xb" to view\r
                system logs, "systemctl reboot" to reboot, "systemctl default" or "exit"\r
                to boot into default mode.\r
                Give root password for maintenance\r
                (or press Control-D to continue): \
                """, "You are in emergency mode");
        m.put("""
                <<< NixOS Stage 1 >>>\r
                \r
                loading module virtio_balloon...\r
                waiting for device /dev/root to appear.......................\r
                Timed out waiting for device /dev/root, trying to mount anyway.\r
                mounting /dev/root on /...\r
                mount: mounting /dev/root on /mnt-root/ failed: No such file or directory\r
                \r
                An error occurred in stage 1 of the boot process, which must mount the\r
                root filesystem on `/mnt-root' and then start stage 2.  Press one\r
                of the following keys:\r
                """, "An error occurred in stage 1 of the boot process");
        m.put("""
                \u001B[0m\u001B[37m\u001B[40m\u001B[2J\u001B[01;01H  Booting `Live system (amd64)'\r
                \r
                error: file `/live/vmlinuz-6.1.0-13-amd64' not found.\r
                error: you need to load the kernel first.\r
                \r
                Press any key to continue...""", "error: file `/live/vmlinuz-6.1.0-13-amd64' not found");
        m.put("""
                Welcome to GRUB!\r
                \r
                  Booting `Live system'\r
                \r
                error: no such device: 2024-01-01-00-00-00-00.\r
                error: you need to load the kernel first.\r
                \r
                Press any key to continue...""", "you need to load the kernel first");
        return m;
    }

    @Test
    void realFailuresFailAtOnceNamingTheLine() throws Exception {
        int i = 0;
        for (Map.Entry<String, String> t : failures().entrySet()) {
            ConsoleWatcher w = judge(t.getKey() + "\r\nnixos login: \r\n", "failure-" + i++);
            assertEquals(Boolean.FALSE, w.outcome, "not judged a failure: " + t.getKey());
            assertTrue(w.detail.contains(t.getValue()), w.detail + " should name " + t.getValue());
        }
    }

    @Test
    void successfulBootsThatSpeakOfInitramfsAndGrubPass() throws Exception {
        String debianLive = """
                \u001B[2J  Booting `Live system (amd64)'\r
                Loading, please wait...\r
                [    0.512345] Trying to unpack rootfs image as initramfs...\r
                [    1.234567] Freeing initrd memory: 41234K\r
                [    2.345678] Run /init as init process\r
                Begin: Loading essential drivers ... done.\r
                Begin: Running /scripts/init-premount ... done.\r
                Begin: Mounting root file system ... Begin: Running /scripts/live-top ... done.\r
                Begin: Mounting "/live/medium" ... done.\r
                [  OK  ] Finished systemd-fsck-root.service - File System Check on Root Device.\r
                [  OK  ] Reached target multi-user.target - Multi-User System.\r
                \r
                Debian GNU/Linux 12 debian ttyS0\r
                \r
                debian login: """;
        String fedora = """
                [    3.101] dracut-initqueue[412]: /dev/sr0: Can't open blockdev\r
                [    4.202] dracut-initqueue[412]: mount: /run/initramfs/live: WARNING: source write-protected, mounted read-only.\r
                [  OK  ] Finished dracut-initqueue.service - dracut initqueue hook.\r
                [  OK  ] Reached target initrd-root-fs.target - Initrd Root File System.\r
                localhost-live login: """;
        String signedGrub = """
                BdsDxe: starting Boot0001 "UEFI QEMU QEMU USB HARDDRIVE 1-0000:00:02.0-1" from PciRoot(0x0)/Pci(0x2,0x0)/USB(0x0,0x0)\r
                \u001B[0m\u001B[30m\u001B[47mWelcome to GRUB!\r
                \r
                \u001B[0m\u001B[37m\u001B[40merror: file `/boot/' not found.\r
                error: no such device: /.disk/info.\r
                  Booting `NixOS Live CD'\r
                NIXUSB-FIXTURE-BOOTED root=/dev/sda token=x secureboot=1\r
                nixos login: """;
        String nixos = """
                <<< NixOS Stage 1 >>>\r
                mounting tmpfs on /...\r
                <<< NixOS Stage 2 >>>\r
                running activation script...\r
                <<< Welcome to NixOS 14.12 (x86_64) - ttyS0 >>>\r
                nixos login: """;
        for (String t : new String[] {debianLive, fedora, signedGrub, nixos}) {
            ConsoleWatcher w = judge(t, "success");
            assertEquals(Boolean.TRUE, w.outcome, w.detail + " for " + t);
        }
    }
}
