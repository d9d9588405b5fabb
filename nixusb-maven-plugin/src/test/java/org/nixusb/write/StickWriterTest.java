package org.nixusb.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.testing.HostTools;

/** Every refusal against a fake sysfs/proc tree, and the write-and-verify path against a file and a loop device. */
class StickWriterTest {
    Path root;
    Path sys;
    Path proc;
    Path dev;
    Path image;

    @BeforeEach
    void setUp() throws Exception {
        root = HostTools.workDir("stick-writer");
        sys = root.resolve("sys");
        proc = root.resolve("proc");
        dev = root.resolve("dev");
        Files.createDirectories(sys.resolve("class/block"));
        Files.createDirectories(proc);
        Files.createDirectories(dev);
        Files.writeString(proc.resolve("mounts"), "/dev/vda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n");
        Files.writeString(proc.resolve("swaps"), "Filename Type Size Used Priority\n");
        image = root.resolve("image-usb.iso");
        byte[] img = new byte[3 * 1024 * 1024];
        new Random(3).nextBytes(img);
        img[510] = 0x55;
        img[511] = (byte) 0xAA;
        Files.write(image, img);
    }

    /** A disk in the fake sysfs; USB ones live below a usb bus in the device tree. */
    private Path disk(String name, boolean usb, boolean removable, long sectors, String... partitions) throws Exception {
        Path real = sys.resolve((usb ? "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0"
                : "devices/pci0000:00/0000:00:02.0/virtio1") + "/block/" + name);
        Files.createDirectories(real.resolve("device"));
        Files.createDirectories(real.resolve("holders"));
        Files.writeString(real.resolve("removable"), removable ? "1\n" : "0\n");
        Files.writeString(real.resolve("size"), sectors + "\n");
        Files.writeString(real.resolve("device/vendor"), usb ? "SanDisk \n" : "0x1af4\n");
        Files.writeString(real.resolve("device/model"), usb ? "Cruzer Blade\n" : "\n");
        Files.writeString(real.resolve("serial"), "4C530001\n");
        Files.createSymbolicLink(sys.resolve("class/block/" + name), real);
        Files.writeString(dev.resolve(name), "");
        for (String p : partitions) {
            Files.createDirectories(real.resolve(p + "/holders"));
            Files.writeString(real.resolve(p + "/partition"), "1\n");
            Files.createSymbolicLink(sys.resolve("class/block/" + p), real.resolve(p));
            Files.writeString(dev.resolve(p), "");
        }
        return dev.resolve(name);
    }

    private StickWriter writer() {
        return new StickWriter(new SysfsDeviceFacts(sys, proc, true), BuildLog.SILENT);
    }

    private String refused(Path target) {
        BadInputException e = assertThrows(BadInputException.class, () -> writer().check(image, target, false));
        assertTrue(e.getMessage().startsWith(target + ": "), e.getMessage());
        assertTrue(e.cure() != null && !e.cure().isBlank());
        return e.getMessage();
    }

    @Test
    void devicesAreRefusedWhereThereIsNoSysfsAndFilesAreWritten() throws Exception {
        for (String os : new String[] {"Mac OS X", "Windows 11"}) {
            StickWriter w = new StickWriter(new SysfsDeviceFacts(sys, proc, true), BuildLog.SILENT, os);
            for (Path device : new Path[] {Path.of("/dev/disk4"), Path.of("/dev/rdisk4"), root}) {
                BadInputException e = assertThrows(BadInputException.class, () -> w.check(image, device, false));
                assertTrue(e.getMessage().contains("Linux only") && e.getMessage().contains(os), e.getMessage());
            }
            Path file = root.resolve("vm-disk-" + os.charAt(0) + ".img");
            assertEquals(file, w.check(image, file, false).path(), "a plain file is fine anywhere");
        }
    }

    @Test
    void aUsbStickPasses() throws Exception {
        Path sdb = disk("sdb", true, true, 16_000_000, "sdb1");
        StickWriter.Target t = writer().check(image, sdb, false);
        assertTrue(t.isDevice());
        assertEquals("sdb", t.device().name());
        assertTrue(t.device().usb());
        assertEquals(List.of("sdb1"), t.device().partitions());
        assertTrue(t.device().describe().contains("SanDisk Cruzer Blade, 8.2 GB, serial 4C530001, USB"),
                t.device().describe());
        // a USB disk that says removable=0 (many enclosures do) is still a USB disk
        assertTrue(writer().check(image, disk("sdc", true, false, 16_000_000), false).isDevice());
    }

    @Test
    void refusesSomethingThatIsNeitherABlockDeviceNorAFile() throws Exception {
        Path d = Files.createDirectories(root.resolve("a-directory"));
        assertTrue(refused(d).contains("neither a block device nor a regular file"));
    }

    @Test
    void refusesAPartition() throws Exception {
        disk("sdb", true, true, 16_000_000, "sdb1");
        String m = refused(dev.resolve("sdb1"));
        assertTrue(m.contains("is a partition") && m.contains(dev.resolve("sdb").toString()), m);
    }

    @Test
    void refusesAnInternalDisk() throws Exception {
        String m = refused(disk("nvme0n1", false, false, 1_000_000_000));
        assertTrue(m.contains("not removable") && m.contains("internal disk"), m);
    }

    @Test
    void refusesAMountedStick() throws Exception {
        Path sdb = disk("sdb", true, true, 16_000_000, "sdb1");
        Files.writeString(proc.resolve("mounts"), "/dev/sdb1 /media/usb vfat rw 0 0\n");
        String m = refused(sdb);
        assertTrue(m.contains("is mounted: /dev/sdb1 on /media/usb") && m.contains("umount /dev/sdb1"), m);
    }

    @Test
    void refusesSwap() throws Exception {
        Path sdb = disk("sdb", true, true, 16_000_000, "sdb2");
        Files.writeString(proc.resolve("swaps"), "Filename Type Size Used Priority\n/dev/sdb2 partition 1024 0 -2\n");
        assertTrue(refused(sdb).contains("used as swap: /dev/sdb2"));
    }

    @Test
    void refusesRaidOrLvmMembers() throws Exception {
        Path sdb = disk("sdb", true, true, 16_000_000, "sdb1");
        Path real = Files.readSymbolicLink(sys.resolve("class/block/sdb"));
        Files.createDirectories(real.resolve("sdb1/holders/dm-0"));
        assertTrue(refused(sdb).contains("RAID, LVM or device-mapper: sdb1 -> dm-0"));
    }

    @Test
    void refusesTheRunningSystemsDisk() throws Exception {
        Path sda = disk("sda", true, true, 16_000_000, "sda1", "sda2");
        Files.writeString(proc.resolve("mounts"), "/dev/sda2 / ext4 rw 0 0\n/dev/sda1 /boot/efi vfat rw 0 0\n");
        String m = refused(sda);
        assertTrue(m.contains("holds the running system (/, /boot/efi"), m);
    }

    @Test
    void refusesAStickSmallerThanTheImage() throws Exception {
        String m = refused(disk("sdb", true, true, 2048));
        assertTrue(m.contains("holds 1048576 bytes, less than the image's 3145728"), m);
    }

    @Test
    void refusesANonHybridImageUnlessForced() throws Exception {
        Path sdb = disk("sdb", true, true, 16_000_000);
        byte[] cd = Files.readAllBytes(image);
        cd[510] = 0;
        Files.write(image, cd);
        BadInputException e = assertThrows(BadInputException.class, () -> writer().check(image, sdb, false));
        assertTrue(e.getMessage().contains("will not boot from a USB stick") && e.getMessage().contains("the force option")
                && e.options().equals(java.util.List.of("force")));
        assertTrue(writer().check(image, sdb, true).isDevice());
    }

    @Test
    void writesAFileAndVerifiesItAndAChangedByteFailsTheCheck() throws Exception {
        Path file = root.resolve("vm-disk.img");
        StickWriter.Target t = writer().check(image, file, false);
        assertFalse(t.isDevice());
        StickWriter.Result r = writer().write(image, t);
        assertEquals(-1L, Files.mismatch(image, file));
        assertEquals(Files.size(image), r.bytes());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(1_000_000);
            int b = f.read();
            f.seek(1_000_000);
            f.write(b ^ 1);
        }
        assertNotEquals(r.sha256(), StickWriter.readBack(file, r.bytes(), false), "the check must see the change");
    }

    @Test
    void writesALoopDeviceWhereTheMachineAllowsIt() throws Exception {
        Path backing = root.resolve("loop-backing.img");
        Files.write(backing, new byte[8 * 1024 * 1024]);
        String loop;
        try {
            Process p = new ProcessBuilder("losetup", "-f", "--show", backing.toString()).redirectErrorStream(true)
                    .start();
            loop = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() != 0 || !loop.startsWith("/dev/loop")) {
                HostTools.unavailable("no loop device can be attached here (losetup: " + loop + ")");
            }
        } catch (java.io.IOException e) {
            HostTools.unavailable("losetup is not available: " + e.getMessage());
            return;
        }
        try {
            StickWriter w = new StickWriter(TestSticks.loopAsStick(), BuildLog.SILENT);
            StickWriter.Target t = w.check(image, Path.of(loop), false);
            assertTrue(t.isDevice() && t.device().blockDevice(), "a real block device");
            StickWriter.Result r = w.write(image, t);
            assertTrue(r.direct(), "O_DIRECT on a block device");
            assertEquals(r.sha256(), StickWriter.readBack(backing, r.bytes(), false));
        } finally {
            new ProcessBuilder("losetup", "-d", loop).start().waitFor();
        }
    }
}
