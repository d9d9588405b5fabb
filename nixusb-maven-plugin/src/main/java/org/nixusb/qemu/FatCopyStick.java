package org.nixusb.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.eltorito.ElTorito;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.lint.FatCopyCheck;

/**
 * The stick {@code uefi-fat-copy} boots: the image's files copied onto a FAT32 partition, as Rufus's ISO mode and a
 * copy by hand make one. An MBR with one partition (type 0x0C, FAT32 with LBA, from 1 MiB), a FAT32 file system
 * made by {@code mkfs.fat} and labelled with the label the image's initramfs waits for (else its volume id, where
 * FAT can carry it), and the ISO tree's files copied by {@code mcopy}: symbolic links are left out (FAT has none),
 * a file of 4 GiB or more is refused (FAT32 cannot hold it). The image itself is only read; the stick is a sparse
 * file beside the serial log.
 */
final class FatCopyStick {
    private static final long MIB = 1 << 20;

    private FatCopyStick() {
    }

    static Path create(QemuBoot.Settings s, BuildLog log) throws IOException, BadInputException {
        tool(s, "dosfstools", "mkfs.fat", "mkfs.vfat");
        tool(s, "mtools", "mcopy");
        boolean bios = !s.mode().uefi();
        if (bios) {
            tool(s, "syslinux", "syslinux");
        }
        String base = s.log().getFileName().toString().replaceAll("\\.log$", "");
        Path tree = s.log().resolveSibling(base + "-fat32-files");
        Path disk = s.log().resolveSibling(base + "-fat32.img");
        deleteTree(tree);
        Files.createDirectories(tree);
        try {
            Copied files;
            Label label;
            String isolinux;
            try (IsoVolume v = IsoVolume.open(s.image())) {
                label = label(v, s.image());
                files = copyFiles(v, tree, s);
                isolinux = bios ? isolinuxDirectory(v) : null;
            }
            if (isolinux != null) {
                // Rufus's way: SYSLINUX reads syslinux.cfg, which ISOLINUX media may lack beside isolinux.cfg
                Path dir = tree.resolve(isolinux.substring(1));
                if (!Files.exists(dir.resolve("syslinux.cfg")) && Files.exists(dir.resolve("isolinux.cfg"))) {
                    Files.copy(dir.resolve("isolinux.cfg"), dir.resolve("syslinux.cfg"));
                }
            }
            long size = write(s, tree, disk, label.label(), files.bytes());
            if (bios) {
                log.info(s.mode().id() + ": " + installSyslinux(s, disk, isolinux));
            }
            log.info(String.format("%s: a %s FAT32 stick (MBR partition 1, type 0x0C, label %s: %s) holding the "
                    + "image's %d files (%s) as a copy onto FAT32 (Rufus's ISO mode) leaves them%s", s.mode().id(),
                    VirtualStick.human(size), label.label() == null ? "none" : label.label(), label.why(),
                    files.files(), VirtualStick.human(files.bytes()), files.links() == 0 ? "" : "; " + files.links()
                            + " symbolic link" + (files.links() == 1 ? "" : "s") + " left out (FAT has none)"));
            return disk;
        } finally {
            deleteTree(tree);
        }
    }

    /**
     * Writes {@code disk}: an MBR with one FAT32 partition from 1 MiB, labelled {@code label} (or not, when null), holding
     * the files and directories under {@code tree}, large enough for {@code bytes} of them and at least 512 MiB.
     * Returns its size.
     */
    static long write(QemuBoot.Settings s, Path tree, Path disk, String label, long bytes) throws IOException,
            BadInputException {
        String mkfs = tool(s, "dosfstools", "mkfs.fat", "mkfs.vfat");
        String mcopy = tool(s, "mtools", "mcopy");
        long size = Math.max(512 * MIB, (bytes + bytes / 10 + 64 * MIB + MIB - 1) / MIB * MIB);
        Files.deleteIfExists(disk);
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(size);
            f.write(mbr(size / 512));
        }
        List<String> mk = new ArrayList<>(List.of(mkfs, "-F", "32", "--offset", "2048", "-i", "4e495855"));
        if (label != null) {
            mk.addAll(List.of("-n", label));
        }
        mk.addAll(List.of(disk.toString(), String.valueOf((size - MIB) / 1024)));
        run(mk, tree.getParent());
        List<String> cp = new ArrayList<>(List.of(mcopy, "-s", "-Q", "-m", "-D", "o", "-i", disk + "@@" + MIB));
        List<String> top;
        try (var list = Files.list(tree)) {
            top = list.sorted().map(Path::toString).toList();
        }
        cp.addAll(top);
        cp.add("::/");
        if (!top.isEmpty()) {
            run(cp, tree.getParent());
        }
        return size;
    }

    /**
     * The directory of the image's ISOLINUX (its El Torito BIOS boot file, when that is isolinux.bin), or null when it
     * boots another way.
     */
    private static String isolinuxDirectory(IsoVolume v) {
        try {
            org.nixusb.eltorito.BootCatalog c = org.nixusb.eltorito.BootRecord.readCatalog(v);
            org.nixusb.eltorito.CatalogEntry e = c == null ? null : c.defaultEntry();
            IsoEntry f = e == null ? null : v.fileAt(e.loadLba());
            if (f == null || f.size() > 1 << 20
                    || !org.nixusb.hybrid.IsohybridMbr.hasHybridSignature(v.read(f))) {
                return null;
            }
            String p = f.path();
            return p.lastIndexOf('/') <= 0 ? "/" : p.substring(0, p.lastIndexOf('/'));
        } catch (IOException | BadInputException | RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * For a BIOS: SYSLINUX installed into the FAT file system (the host's {@code syslinux}, in the image's ISOLINUX
     * directory, whose modules are of the same release when nixusb put them there) and syslinux's MBR code, which
     * starts the active partition. Without ISOLINUX in the image no SYSLINUX is installed: mkfs.fat's boot sector,
     * which the MBR code starts, then says the disk is not bootable. Returns what was done.
     */
    private static String installSyslinux(QemuBoot.Settings s, Path disk, String isolinux) throws IOException,
            BadInputException {
        Path mbr = null;
        for (String p : List.of("/usr/lib/syslinux/mbr/mbr.bin", "/usr/share/syslinux/mbr.bin",
                "/usr/lib/syslinux/bios/mbr.bin", "/usr/lib/syslinux/mbr.bin")) {
            if (Files.isRegularFile(Path.of(p))) {
                mbr = Path.of(p);
                break;
            }
        }
        if (mbr == null) {
            throw new BadInputException(s.image(), s.mode().id() + " needs syslinux's MBR code (mbr.bin), which is not "
                    + "on this machine", "Install syslinux-common (Debian) or syslinux (Fedora), or boot another mode")
                    .option("modes");
        }
        byte[] code = Files.readAllBytes(mbr);
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.write(code, 0, Math.min(code.length, 440));
        }
        if (isolinux == null) {
            return "syslinux's MBR code from " + mbr + "; the image carries no ISOLINUX, so no SYSLINUX is installed "
                    + "on the stick (as Rufus would not): the partition's boot sector is mkfs.fat's";
        }
        String syslinux = tool(s, "syslinux", "syslinux");
        run(List.of(syslinux, "--install", "--offset", String.valueOf(MIB), "--directory", isolinux,
                disk.toString()), disk.getParent());
        return "SYSLINUX installed in " + isolinux + " (" + syslinux + "), syslinux's MBR code from " + mbr;
    }

    /** The FAT label the stick gets (or null) and why. */
    private record Label(String label, String why) {
    }

    /** The label the image's initramfs waits for, else its volume id, where a FAT file system can carry it. */
    private static Label label(IsoVolume v, Path image) throws IOException {
        List<BootMenuFinder.Found> menus;
        try {
            menus = BootMenuFinder.all(v, ElTorito.read(v).readableEfiImages(), image.getFileName().toString());
        } catch (BadInputException | RuntimeException unreadable) {
            menus = List.of();
        }
        String root = FatCopyCheck.defaultRootLabel(menus);
        String id = v.volumeId().strip();
        if (FatCopyCheck.fitsFatLabel(root)) {
            return new Label(root, "the label its initramfs waits for");
        }
        if (FatCopyCheck.fitsFatLabel(id)) {
            return new Label(id, root == null ? "the image's volume id" : "the volume id: its initramfs waits for "
                    + root + ", which no FAT label can be");
        }
        return new Label(null, "none: " + (root != null ? "its initramfs waits for " + root : "the volume id " + id)
                + ", which no FAT label can be");
    }

    /** What was copied: files, their bytes, and the symbolic links left out. */
    private record Copied(int files, long bytes, int links) {
    }

    /** The ISO tree's files and directories under {@code tree}; symbolic links left out. */
    private static Copied copyFiles(IsoVolume v, Path tree, QemuBoot.Settings s) throws IOException,
            BadInputException {
        int files = 0;
        int links = 0;
        long bytes = 0;
        for (IsoEntry e : v.walk()) {
            if (e.path().equals("/")) {
                continue;
            }
            Path to = tree.resolve(e.path().substring(1));
            if (e.isSymlink()) {
                links++;
            } else if (e.isDirectory()) {
                Files.createDirectories(to);
            } else {
                if (e.size() > 0xFFFFFFFFL) {
                    throw new BadInputException(s.image(), e.path() + " is " + e.size() + " bytes, more than FAT32 "
                            + "holds (4 GiB less one byte): the image's files cannot be copied onto a FAT32 stick",
                            "Boot it written whole (uefi-usb), or keep its files under 4 GiB");
                }
                Files.createDirectories(to.getParent());
                copy(v, e, to);
                bytes += e.size();
                files++;
            }
        }
        return new Copied(files, bytes, links);
    }

    /** An MBR with one bootable FAT32 (LBA, type 0x0C) partition from sector 2048 to the end; no boot code. */
    private static byte[] mbr(long sectors) {
        byte[] m = new byte[512];
        org.nixusb.binary.Bytes.put32le(m, 440, 0x4e495855L); // the disk signature: mkfs.fat's volume id below
        org.nixusb.hybrid.MbrEntry.write(m, 0, true, 0x0C, 2048, sectors - 2048);
        m[510] = 0x55;
        m[511] = (byte) 0xAA;
        return m;
    }

    private static void copy(IsoVolume v, IsoEntry e, Path to) throws IOException {
        try (FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            FileChannel in = v.image().channel();
            for (IsoEntry.Extent x : e.extents()) {
                long pos = x.lba() * 2048;
                long left = x.length();
                while (left > 0) {
                    long n = in.transferTo(pos, left, out);
                    if (n <= 0) {
                        throw new IOException(v.path() + ": " + e.path() + " ends past the image");
                    }
                    pos += n;
                    left -= n;
                }
            }
        }
    }

    /** The first of {@code names} on PATH (or in /usr/sbin, /sbin); refused, naming {@code pkg}, when none is. */
    static String tool(QemuBoot.Settings s, String pkg, String... names) throws BadInputException {
        for (String n : names) {
            for (String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, n))) {
                    return Path.of(dir, n).toString();
                }
            }
        }
        throw new BadInputException(s.image(), s.mode().id() + " builds its stick with " + names[0] + ", which is not on "
                + "this machine's PATH", "Install " + pkg + ", or boot another mode").option("modes");
    }

    static void run(List<String> cmd, Path dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(dir.toFile());
        pb.environment().put("MTOOLS_SKIP_CHECK", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 6))) + " ... failed: "
                        + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd.get(0), e);
        }
    }

    static void deleteTree(Path d) throws IOException {
        if (!Files.exists(d)) {
            return;
        }
        try (var w = Files.walk(d)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.delete(p);
            }
        }
    }
}
