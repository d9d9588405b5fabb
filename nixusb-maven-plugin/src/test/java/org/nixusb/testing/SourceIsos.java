package org.nixusb.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.ArrayList;

/** Builds small NixOS-like source trees and CD-only ISOs from them with genisoimage or xorriso. */
public final class SourceIsos {
    public static final Instant MTIME = Instant.parse("2014-12-01T12:34:56Z");
    public static final String LONG_NAME =
            "A-Mixed-Case-File-Name-That-Is-Longer-Than-Sixty-Four-Characters-On-Purpose.txt";

    private SourceIsos() {
    }

    /** A tree like a NixOS 14.12 live CD: kernel, initrds, loader entries, a symlink, odd names and modes. */
    public static Path nixosTree(Path dir, boolean withLoaderEntries) throws IOException {
        Path t = dir.resolve("tree");
        Files.createDirectories(t.resolve("boot"));
        Files.createDirectories(t.resolve("nix/store/abc123-NixOS-Closure"));
        Random r = new Random(42);
        write(t.resolve("boot/bzImage"), random(r, 150_000));
        write(t.resolve("boot/initrd"), random(r, 70_000));
        write(t.resolve("boot/initrd-extra"), random(r, 9_000));
        write(t.resolve("boot/dummy-boot.img"), random(r, 2048));
        write(t.resolve("nix-store.squashfs"), random(r, 300_000));
        write(t.resolve("nix/store/" + LONG_NAME), "long name\n".getBytes(StandardCharsets.UTF_8));
        Path init = t.resolve("nix/store/abc123-NixOS-Closure/init");
        write(init, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path secret = t.resolve("secret-token");
        write(secret, "token\n".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(t.resolve("current-system"), Path.of("nix/store/abc123-NixOS-Closure"));
        Path deep = t;
        for (int i = 1; i <= 10; i++) {
            deep = deep.resolve("level" + i);
        }
        Files.createDirectories(deep);
        write(deep.resolve("deep-file.txt"), "ten levels down\n".getBytes(StandardCharsets.UTF_8));
        if (withLoaderEntries) {
            Files.createDirectories(t.resolve("loader/entries"));
            write(t.resolve("loader/entries/nixos-livecd.conf"), String.join("\n",
                    "title NixOS Live CD", "linux /boot/bzImage", "initrd /boot/initrd", "initrd /boot/initrd-extra",
                    "options init=/nix/store/abc123-NixOS-Closure/init root=LABEL=NIXOS_ISO",
                    "options boot.shell_on_fail", "").getBytes(StandardCharsets.UTF_8));
            write(t.resolve("loader/entries/nixos-debug.conf"), String.join("\n",
                    "# a debug entry", "title NixOS Live CD (debug)", "linux /boot/bzImage", "initrd /boot/initrd",
                    "options init=/nix/store/abc123-NixOS-Closure/init root=LABEL=NIXOS_ISO debug", "")
                    .getBytes(StandardCharsets.UTF_8));
            write(t.resolve("loader/loader.conf"), "default nixos-livecd\ntimeout 5\n".getBytes(StandardCharsets.UTF_8));
        }
        touchAll(t);
        return t;
    }

    public static void touchAll(Path t) throws IOException {
        try (var s = Files.walk(t)) {
            for (Path p : s.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, FileTime.from(MTIME));
                }
            }
        }
    }

    /** genisoimage -R -J with a no-emulation El Torito boot file that is not ISOLINUX (like GRUB's). */
    public static Path genisoimage(Path dir, Path tree, String name, String... extra)
            throws IOException, InterruptedException {
        HostTools.require("genisoimage");
        Path iso = dir.resolve(name);
        List<String> cmd = HostTools.list("genisoimage", "-quiet", "-o", iso.toString(), "-V", "NIXOS_ISO", "-R", "-J",
                "-joliet-long", "-b", "boot/dummy-boot.img", "-c", "boot/boot.cat", "-no-emul-boot",
                "-boot-load-size", "4", "-boot-info-table");
        cmd.addAll(List.of(extra));
        cmd.add(tree.toString());
        HostTools.run(cmd.toArray(new String[0]));
        return iso;
    }

    /** xorriso -as mkisofs -R -J, same boot setup. */
    public static Path xorriso(Path dir, Path tree, String name, String... extra) throws IOException, InterruptedException {
        HostTools.require("xorriso");
        Path iso = dir.resolve(name);
        List<String> cmd = HostTools.list("xorriso", "-as", "mkisofs", "-quiet", "-o", iso.toString(), "-V",
                "NIXOS_ISO", "-R", "-J", "-joliet-long", "-b", "boot/dummy-boot.img", "-c", "boot/boot.cat",
                "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table");
        cmd.addAll(List.of(extra));
        cmd.add(tree.toString());
        HostTools.run(cmd.toArray(new String[0]));
        return iso;
    }

    /** A FAT EFI image holding the given tree files (path in image -> host file). */
    public static Path efiImage(Path dir, String name, String[][] files) throws IOException, InterruptedException {
        HostTools.require("mkfs.vfat", "mcopy", "mmd");
        Path img = dir.resolve(name);
        Files.deleteIfExists(img);
        HostTools.run("mkfs.vfat", "-C", "-n", "EFIBOOT", "-i", "12345678", img.toString(), "4096");
        java.util.Set<String> made = new java.util.TreeSet<>();
        for (String[] f : files) {
            String target = f[0];
            String parent = target.substring(0, target.lastIndexOf('/'));
            StringBuilder sofar = new StringBuilder();
            for (String part : parent.split("/")) {
                if (part.isEmpty()) {
                    continue;
                }
                sofar.append('/').append(part);
                if (made.add(sofar.toString())) {
                    HostTools.run("mmd", "-i", img.toString(), "::" + sofar);
                }
            }
            HostTools.run("mcopy", "-i", img.toString(), f[1], "::" + target);
        }
        return img;
    }

    /**
     * A CD-only source made by xorriso for an architecture test: an El Torito EFI image holding made-up PE loaders
     * ({@code {name, machine}}: {"BOOTAA64.EFI", "0xaa64"}), an arm64 Image and/or an x86 bzImage header with a
     * systemd-boot entry each, and optionally a (dummy) El Torito BIOS entry.
     */
    public static Path forArchitectures(Path dir, String name, String[][] loaders, boolean x86Kernel, boolean armKernel,
            boolean biosEntry) throws Exception {
        Path tree = dir.resolve("tree-" + name);
        Files.createDirectories(tree.resolve("boot"));
        Files.createDirectories(tree.resolve("loader/entries"));
        if (armKernel) {
            Files.write(tree.resolve("boot/Image"), MadeUpKernels.arm64Image());
            Files.writeString(tree.resolve("loader/entries/arm64.conf"), "title Live (arm64)\nlinux /boot/Image\n"
                    + "initrd /boot/initrd\noptions root=LABEL=NIXOS_ISO console=ttyAMA0\n");
        }
        if (x86Kernel) {
            Files.write(tree.resolve("boot/bzImage"), MadeUpKernels.bzImage(0x20f, 0x7f));
            Files.writeString(tree.resolve("loader/entries/x86.conf"), "title Live (x86_64)\nlinux /boot/bzImage\n"
                    + "initrd /boot/initrd\noptions root=LABEL=NIXOS_ISO console=ttyS0\n");
        }
        Files.write(tree.resolve("boot/initrd"), new byte[70_000]);
        Files.write(tree.resolve("boot/dummy-boot.img"), new byte[2048]);
        Files.writeString(tree.resolve("loader/loader.conf"), "default " + (armKernel ? "arm64" : "x86") + "\n");
        List<String[]> files = new ArrayList<>();
        for (String[] l : loaders) {
            Path p = dir.resolve(name + "-" + l[0]);
            Files.write(p, MadeUpKernels.peProgram(Integer.decode(l[1])));
            files.add(new String[] {"/EFI/BOOT/" + l[0], p.toString()});
        }
        Path esp = efiImage(dir, name + "-efi.img", files.toArray(new String[0][]));
        Files.copy(esp, tree.resolve("boot/efi.img"));
        touchAll(tree);
        List<String> args = new ArrayList<>(List.of("xorriso", "-as", "mkisofs", "-quiet", "-o",
                dir.resolve(name + ".iso").toString(), "-V", "NIXOS_ISO", "-R", "-J", "-c", "boot/boot.cat"));
        if (biosEntry) {
            args.addAll(List.of("-b", "boot/dummy-boot.img", "-no-emul-boot", "-boot-load-size", "4",
                    "-eltorito-alt-boot"));
        }
        args.addAll(List.of("-e", "boot/efi.img", "-no-emul-boot", tree.toString()));
        HostTools.run(args.toArray(new String[0]));
        return dir.resolve(name + ".iso");
    }

    /**
     * A CD that boots an emulated disk image, as BIOS update and DOS CDs do (genisoimage {@code -b}): a 1.44 MB
     * floppy, or with {@code hardDisk} a 2 MiB hard disk image ({@code -hard-disk-boot}), whose boot sector prints
     * {@code marker} on the serial port ({@link BootSectors}); with {@code hidden} the image is left out of the
     * tree ({@code -hide}, as many vendors' CDs have it). No Linux menu.
     */
    public static Path emulatedDiskCd(Path dir, String name, String marker, boolean hardDisk, boolean hidden)
            throws IOException, InterruptedException {
        return emulatedDiskCd(dir, name, marker, hardDisk, hidden, 1_474_560);
    }

    /** {@link #emulatedDiskCd} with a floppy of {@code floppyBytes} (1228800, 1474560 or 2949120). */
    public static Path emulatedDiskCd(Path dir, String name, String marker, boolean hardDisk, boolean hidden,
            int floppyBytes) throws IOException, InterruptedException {
        HostTools.require("genisoimage");
        Path tree = dir.resolve("tree-" + name);
        Files.createDirectories(tree.resolve("boot"));
        Files.writeString(tree.resolve("README.TXT"), "Flash the firmware from the booted disk.\r\n");
        byte[] image = hardDisk ? BootSectors.markerDisk(marker, 4096) : new byte[floppyBytes];
        if (!hardDisk) {
            System.arraycopy(BootSectors.serialMarker(marker), 0, image, 0, 512);
        }
        Files.write(tree.resolve("boot/disk.img"), image);
        touchAll(tree);
        Path iso = dir.resolve(name + ".iso");
        List<String> cmd = HostTools.list("genisoimage", "-quiet", "-o", iso.toString(), "-V", "FWUPDATE", "-J", "-r",
                "-b", "boot/disk.img", "-c", "boot/boot.cat");
        if (hardDisk) {
            cmd.add("-hard-disk-boot");
        }
        if (hidden) {
            cmd.addAll(List.of("-hide", "disk.img", "-hide-joliet", "disk.img"));
        }
        cmd.add(tree.toString());
        HostTools.run(cmd.toArray(new String[0]));
        return iso;
    }

    /**
     * An installer CD for a processor that neither a PC BIOS nor UEFI boots, laid out as Debian lays out its
     * ppc64el netinst: no El Torito, a GRUB menu at {@code /boot/grub/grub.cfg} naming {@code /install/vmlinux} (an ELF
     * kernel of {@code elfMachine}) and its initrd; with {@code withX86} also an x86 entry beside it (a multi-arch CD).
     */
    public static Path foreignKernelCd(Path dir, String name, byte[] kernel, boolean withX86)
            throws IOException, InterruptedException {
        Path tree = dir.resolve("tree-" + name);
        Files.createDirectories(tree.resolve("boot/grub"));
        Files.createDirectories(tree.resolve("install"));
        Files.write(tree.resolve("install/vmlinux"), kernel);
        Files.write(tree.resolve("install/initrd.gz"), new byte[20_000]);
        StringBuilder cfg = new StringBuilder("set timeout=5\n");
        cfg.append("menuentry 'Install' {\n  linux /install/vmlinux --- quiet\n  initrd /install/initrd.gz\n}\n");
        if (withX86) {
            Files.write(tree.resolve("install/bzImage"), MadeUpKernels.bzImage(0x20f, 0x7f));
            cfg.append("menuentry 'Install (amd64)' {\n  linux /install/bzImage --- quiet\n  initrd /install/initrd.gz"
                    + "\n}\n");
        }
        Files.writeString(tree.resolve("boot/grub/grub.cfg"), cfg.toString());
        touchAll(tree);
        Path iso = dir.resolve(name + ".iso");
        HostTools.run("xorriso", "-as", "mkisofs", "-quiet", "-o", iso.toString(), "-V", "Debian ppc64el n", "-R", "-J",
                tree.toString());
        return iso;
    }

    /**
     * A CD-only NixOS-like ISO (genisoimage) whose El Torito EFI image holds {@code loader} as
     * {@code /EFI/BOOT/BOOTX64.EFI}.
     */
    public static Path withEfiImage(Path dir, byte[] loader) throws IOException, InterruptedException {
        Path tree = nixosTree(dir, true);
        Path payload = dir.resolve("BOOTX64.EFI");
        write(payload, loader);
        efiImage(tree.resolve("boot"), "efi.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI", payload.toString()}});
        touchAll(tree);
        return genisoimage(dir, tree, "src.iso", "-eltorito-alt-boot", "-e", "boot/efi.img", "-no-emul-boot");
    }

    public static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    public static void write(Path p, byte[] b) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, b);
    }
}
