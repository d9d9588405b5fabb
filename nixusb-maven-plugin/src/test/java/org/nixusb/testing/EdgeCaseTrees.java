package org.nixusb.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;

/**
 * Source trees for the edge-case matrix. Each has a boot menu nixusb can convert, with kernel and
 * initrd names that survive 8.3 mapping, and each puts something in the way of what the remaster adds
 * or of the readers' name mapping.
 */
public final class EdgeCaseTrees {
    private EdgeCaseTrees() {
    }

    /** The El Torito images every tree carries under /eltorito (a no-emulation image, floppy, hard disk, EFI). */
    static void bootImages(Path t) throws IOException, InterruptedException {
        Path e = t.resolve("eltorito");
        Files.createDirectories(e);
        SourceIsos.write(e.resolve("boot.img"), pattern(2048, 1));
        SourceIsos.write(e.resolve("boot2.img"), pattern(2048, 2));
    }

    /** A floppy and a hard-disk image, for the emulation cases only (they are large). */
    static void emulationImages(Path t) throws IOException {
        Path e = t.resolve("eltorito");
        SourceIsos.write(e.resolve("floppy.img"), new byte[1474560]);
        byte[] hd = new byte[1024 * 1024];
        // one partition, type 0x83, LBA 16..2047, CHS for 4 heads x 16 sectors
        byte[] entry = {(byte) 0x80, 0, 2, 1, (byte) 0x83, 3, (byte) 0x10, 31, 16, 0, 0, 0, (byte) 0xF0, 7, 0, 0};
        System.arraycopy(entry, 0, hd, 446, 16);
        hd[510] = 0x55;
        hd[511] = (byte) 0xAA;
        SourceIsos.write(e.resolve("hd.img"), hd);
    }

    /** The EFI image (FAT) under /eltorito/efi.img, made by mkfs.vfat and mtools. */
    static void efiImage(Path t, Path scratch) throws IOException, InterruptedException {
        Path payload = scratch.resolve("BOOTX64.EFI");
        SourceIsos.write(payload, "a stand-in EFI program".getBytes(StandardCharsets.US_ASCII));
        SourceIsos.efiImage(t.resolve("eltorito"), "efi.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI",
            payload.toString()}});
    }

    /** The kernel, initrd and systemd-boot entries; {@code bootDir} is where the kernel lives. */
    static void systemdBootMenu(Path t, String bootDir) throws IOException {
        Random r = new Random(7);
        SourceIsos.write(t.resolve(bootDir + "/bzImage"), SourceIsos.random(r, 40_000));
        SourceIsos.write(t.resolve(bootDir + "/initrd"), SourceIsos.random(r, 6_000));
        SourceIsos.write(t.resolve("loader/entries/live.conf"), String.join("\n", "title Live", "linux /" + bootDir + "/bzImage",
                "initrd /" + bootDir + "/initrd", "options root=LABEL=NIXOS_ISO", "").getBytes(StandardCharsets.UTF_8));
        SourceIsos.write(t.resolve("loader/loader.conf"), "default live\ntimeout 3\n".getBytes(StandardCharsets.UTF_8));
    }

    /** plain: a small live tree with an empty file and directory. */
    public static Path plain(Path dir) throws IOException, InterruptedException {
        Path t = dir.resolve("plain");
        systemdBootMenu(t, "boot");
        bootImages(t);
        SourceIsos.write(t.resolve("etc/readme.txt"), "hello\n".getBytes(StandardCharsets.UTF_8));
        SourceIsos.write(t.resolve("empty-file"), new byte[0]);
        Files.createDirectories(t.resolve("empty-dir"));
        SourceIsos.touchAll(t);
        return t;
    }

    /** plain plus the emulation and EFI images, for the boot-catalog cases. */
    public static Path boots(Path dir) throws IOException, InterruptedException {
        Path t = plain(dir.resolve("b"));
        emulationImages(t);
        efiImage(t, dir);
        SourceIsos.touchAll(t);
        return t;
    }

    /** taken: the places the remaster prefers are files (/boot, /isolinux, /syslinux, /nixusb-efi.img). */
    public static Path takenByFiles(Path dir) throws IOException, InterruptedException {
        Path t = dir.resolve("taken-files");
        systemdBootMenu(t, "kernels");
        bootImages(t);
        for (String f : new String[] {"boot", "isolinux", "syslinux", "BOOT.CFG", "nixusb-efi.img", "efi.img"}) {
            SourceIsos.write(t.resolve(f), ("a file named " + f + "\n").getBytes(StandardCharsets.UTF_8));
        }
        SourceIsos.touchAll(t);
        return t;
    }

    /** taken-dirs: /isolinux holds unrelated files, /boot/efi.img is a directory, /boot/grub a file. */
    public static Path takenByDirectories(Path dir) throws IOException, InterruptedException {
        Path t = dir.resolve("taken-dirs");
        systemdBootMenu(t, "boot");
        bootImages(t);
        SourceIsos.write(t.resolve("isolinux/notes.txt"), "not ours\n".getBytes(StandardCharsets.UTF_8));
        SourceIsos.write(t.resolve("isolinux/isolinux.bin"), pattern(4096, 3));
        SourceIsos.write(t.resolve("boot/efi.img/inside.txt"), "a directory named efi.img\n".getBytes(StandardCharsets.UTF_8));
        SourceIsos.write(t.resolve("boot/grub"), "a file named grub\n".getBytes(StandardCharsets.UTF_8));
        SourceIsos.write(t.resolve("BOOT/upper.txt"), "a second boot directory in upper case\n".getBytes(StandardCharsets.UTF_8));
        SourceIsos.touchAll(t);
        return t;
    }

    /** odd: names readers map differently, collisions after 8.3 mapping, deep and wide trees, links, modes. */
    public static Path oddNames(Path dir) throws IOException, InterruptedException {
        Path t = dir.resolve("odd");
        Random r = new Random(11);
        SourceIsos.write(t.resolve("boot/vmlinuz"), SourceIsos.random(r, 30_000));
        SourceIsos.write(t.resolve("boot/initrd.img"), SourceIsos.random(r, 5_000));
        SourceIsos.write(t.resolve("boot/grub/grub.cfg"), String.join("\n", "set timeout=2", "menuentry 'Odd live' {",
                "  linux /boot/vmlinuz root=LABEL=NIXOS_ISO", "  initrd /boot/initrd.img", "}", "")
                .getBytes(StandardCharsets.UTF_8));
        bootImages(t);
        String[] names = {"Mixed Case With Spaces.txt", "a.b.c.d.txt", ".hidden", "README", "Readme", "readme.md",
            "longfilename-one.txt", "longfilename-two.txt", "x".repeat(180) + ".txt", "\u00fcn\u00efc\u00f6d\u00e9.txt",
            "\u65e5\u672c\u8a9e.txt", "trailing.", "hash#and&amp", "semi;colon", "ISOLINUX.BIN", "Isolinux"};
        for (String n : names) {
            SourceIsos.write(t.resolve("names/" + n), ("file " + n + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Path deep = t;
        for (int i = 1; i <= 10; i++) {
            deep = deep.resolve("deep" + i);
        }
        SourceIsos.write(deep.resolve("bottom.txt"), "ten levels down\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 300; i++) {
            SourceIsos.write(t.resolve(String.format("many/file-%03d.dat", i)), SourceIsos.random(r, i % 7 * 100));
        }
        SourceIsos.write(t.resolve("empty"), new byte[0]);
        Files.createDirectories(t.resolve("empty-dir"));
        Path exe = t.resolve("bin/run.sh");
        SourceIsos.write(exe, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secret = t.resolve("bin/secret");
        SourceIsos.write(secret, "s\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(t.resolve("bin/relative-link"), Path.of("run.sh"));
        Files.createSymbolicLink(t.resolve("bin/absolute-link"), Path.of("/boot/vmlinuz"));
        Files.createSymbolicLink(t.resolve("bin/dangling-link"), Path.of("../nowhere"));
        SourceIsos.touchAll(t);
        return t;
    }

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
