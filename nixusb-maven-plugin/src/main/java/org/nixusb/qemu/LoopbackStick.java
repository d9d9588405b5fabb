package org.nixusb.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.arch.EfiArch;
import org.nixusb.bootloader.BootloaderFiles;
import org.nixusb.bootloader.BootloaderSource;

/**
 * The stick {@code uefi-loopback} boots: a multi-boot stick as Ventoy's GRUB mode, GLIM and grml-rescueboot make
 * one. A FAT32 partition holds the image as a file ({@code /isos/<name>}) and the bundle's pinned GRUB for x64 UEFI,
 * whose menu follows GRUB's loopback convention: {@code loopback loop $isofile}, {@code set root=(loop)}, the file's
 * path exported as {@code iso_path}, then the image's own {@code /boot/grub/loopback.cfg}. A pass proves that file
 * exists, that its entries start, and that the image's initramfs finds its root inside the file.
 */
final class LoopbackStick {
    /** Where the image file goes on the stick. */
    static final String ISO_DIRECTORY = "/isos/";

    private LoopbackStick() {
    }

    /** The i386-pc GRUB modules the BIOS stick's core image embeds: disk, FAT, the loop device and what the menus use. */
    private static final List<String> PC_MODULES = List.of("biosdisk", "part_msdos", "fat", "loopback", "iso9660",
            "linux", "boot", "normal", "configfile", "echo", "serial", "terminal", "test");
    /** Where Debian, Fedora and Arch keep i386-pc GRUB's boot.img. */
    private static final List<String> PC_DIRECTORIES = List.of("/usr/lib/grub/i386-pc", "/usr/lib/grub2/i386-pc",
            "/usr/share/grub2/i386-pc");

    static Path create(QemuBoot.Settings s, BuildLog log) throws IOException, BadInputException {
        FatCopyStick.tool(s, "dosfstools", "mkfs.fat", "mkfs.vfat");
        FatCopyStick.tool(s, "mtools", "mcopy");
        boolean bios = !s.mode().uefi();
        String mkimage = bios ? FatCopyStick.tool(s, "grub-pc-bin (Debian) or grub2-tools (Fedora)", "grub-mkimage",
                "grub2-mkimage") : null;
        String base = s.log().getFileName().toString().replaceAll("\\.log$", "");
        Path tree = s.log().resolveSibling(base + "-loopback-files");
        Path disk = s.log().resolveSibling(base + "-loopback.img");
        FatCopyStick.deleteTree(tree);
        try {
            String name = s.image().getFileName().toString().replaceAll("[^A-Za-z0-9._+-]", "_");
            String isoFile = ISO_DIRECTORY + name;
            Files.createDirectories(tree.resolve("isos"));
            Files.copy(s.image(), tree.resolve("isos").resolve(name), StandardCopyOption.REPLACE_EXISTING);
            Path efiBoot = Files.createDirectories(tree.resolve("EFI/BOOT"));
            String grub;
            try (BootloaderFiles loaders = BootloaderFiles.of(BootloaderSource.BUNDLED)) {
                Path g = loaders.grubEfi(EfiArch.X64);
                Files.copy(g, efiBoot.resolve("BOOTX64.EFI"));
                grub = loaders.describe(g);
            }
            byte[] cfg = config(isoFile).getBytes(StandardCharsets.UTF_8);
            // where the GRUB reads its config, whichever prefix it was built with
            Files.write(efiBoot.resolve("grub.cfg"), cfg);
            Files.write(Files.createDirectories(tree.resolve("boot/grub/x86_64-efi")).resolve("grub.cfg"), cfg);
            Files.write(tree.resolve("boot/grub/grub.cfg"), cfg);
            long size = FatCopyStick.write(s, tree, disk, "MULTIBOOT", Files.size(s.image()) + (8L << 20));
            if (bios) {
                grub = installPcGrub(s, disk, mkimage, tree.getParent());
            }
            log.info(String.format("%s: a %s FAT32 multi-boot stick holding the image as %s, booted by GRUB (%s) "
                    + "through the image's /boot/grub/loopback.cfg (loopback loop, iso_path exported)",
                    s.mode().id(), VirtualStick.human(size), isoFile, grub));
            return disk;
        } finally {
            FatCopyStick.deleteTree(tree);
        }
    }

    /**
     * For a BIOS: the host's i386-pc GRUB installed as grub-install does on an MBR disk, without touching a device:
     * its boot.img in the MBR's code area (it loads sector 1), a core image made by grub-mkimage with the modules
     * the stick needs and the FAT partition's /boot/grub as prefix in sectors 1 to 2047, before the partition.
     * Returns what was installed.
     */
    private static String installPcGrub(QemuBoot.Settings s, Path disk, String mkimage, Path work)
            throws IOException, BadInputException {
        Path bootImg = null;
        for (String d : PC_DIRECTORIES) {
            if (Files.isRegularFile(Path.of(d, "boot.img"))) {
                bootImg = Path.of(d, "boot.img");
                break;
            }
        }
        if (bootImg == null) {
            throw new BadInputException(s.image(), s.mode().id() + " installs the host's i386-pc GRUB on its stick, and "
                    + "no boot.img is in " + String.join(", ", PC_DIRECTORIES), "Install grub-pc-bin (Debian) or "
                    + "grub2-pc-modules (Fedora), or boot uefi-loopback").option("modes");
        }
        Path core = work.resolve(disk.getFileName() + ".core.img");
        List<String> cmd = new java.util.ArrayList<>(List.of(mkimage, "-O", "i386-pc", "-d",
                bootImg.getParent().toString(), "-p", "(hd0,msdos1)/boot/grub", "-o", core.toString()));
        cmd.addAll(PC_MODULES);
        FatCopyStick.run(cmd, work);
        try {
            byte[] boot = Files.readAllBytes(bootImg);
            byte[] coreBytes = Files.readAllBytes(core);
            if (boot.length != 512 || coreBytes.length > 2047 * 512) {
                throw new IOException("i386-pc GRUB does not fit before the partition: boot.img " + boot.length
                        + " bytes, core image " + coreBytes.length + " bytes (at most " + 2047 * 512 + ")");
            }
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
                f.write(boot, 0, 440); // the partition table after it stays
                f.seek(512);
                f.write(coreBytes);
            }
            return "i386-pc GRUB from " + bootImg.getParent() + ", core image " + coreBytes.length / 1024
                    + " KiB by " + mkimage;
        } finally {
            Files.deleteIfExists(core);
        }
    }

    /** The stick GRUB's menu: one entry that loop-mounts the image file and reads its loopback.cfg. */
    static String config(String isoFile) {
        return "# nixusb: a multi-boot stick's GRUB (GRUB's loopback convention)\n"
                + "serial --unit=0 --speed=115200\n"
                + "terminal_input serial console\n"
                + "terminal_output serial console\n"
                + "set timeout=0\n"
                + "set default=0\n"
                + "menuentry \"" + isoFile + " (its loopback.cfg)\" {\n"
                + "  set isofile=\"" + isoFile + "\"\n"
                + "  loopback loop \"$isofile\"\n"
                + "  set root=(loop)\n"
                + "  set iso_path=\"$isofile\"\n"
                + "  export iso_path\n"
                // GRUB's configfile says nothing of a missing file: say it, in the words the fail patterns know
                + "  if [ -f /boot/grub/loopback.cfg ]; then\n"
                + "    configfile /boot/grub/loopback.cfg\n"
                + "  else\n"
                + "    echo \"error: file `/boot/grub/loopback.cfg' not found in $isofile: it does not boot as an "
                + "ISO file\"\n"
                + "  fi\n"
                + "}\n";
    }
}
