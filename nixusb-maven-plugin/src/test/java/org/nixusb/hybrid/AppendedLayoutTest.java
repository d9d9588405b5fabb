package org.nixusb.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nixusb.remaster.Remaster;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.remaster.RemasterResult;
import org.nixusb.testing.AppendedCheck;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.IsoViews;
import org.nixusb.testing.RecordingLog;

/**
 * {@code layout=appended} where the partition's descriptors land on data: an ISOLINUX CD whose isolinux.bin spans
 * block 32 (moved with its boot info table, the catalog entry and the MBR's pointer following), and a Rock Ridge tree
 * deeper than eight levels (CL/PL links, which the partition's copy of the tree must point at its own directories).
 * Each output is judged by xorriso (both sessions), isoinfo, sgdisk and lint, and is the same on a second run.
 */
class AppendedLayoutTest {
    private static final Pattern BIOS_LBA = Pattern.compile("El Torito boot img :\\s+1\\s+BIOS\\s+y\\s+none\\s+0x0000\\s+"
            + "0x00\\s+4\\s+(\\d+)");

    @Test
    void anIsolinuxBinOverBlock32MovesWithEveryPointerToIt() throws Exception {
        HostTools.require("genisoimage", "xorriso", "isoinfo", "sgdisk");
        Path dir = HostTools.workDir("appended-isolinux");
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("isolinux"));
        byte[] bin = Files.readAllBytes(Path.of("/usr/lib/ISOLINUX/isolinux.bin"));
        Files.write(tree.resolve("isolinux/isolinux.bin"), bin);
        Files.writeString(tree.resolve("isolinux/isolinux.cfg"), "DEFAULT live\nLABEL live\n  KERNEL /vmlinuz\n");
        Files.writeString(tree.resolve("readme.txt"), "hello\n");
        Path src = dir.resolve("tiny.iso");
        HostTools.run("genisoimage", "-quiet", "-R", "-V", "TINY", "-o", src.toString(), "-b",
                "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4",
                "-boot-info-table", tree.toString());
        long before = biosLba(src);
        assertTrue(before <= 33 && before + bin.length / 2048 >= 32, "the fixture's isolinux.bin spans block 32: "
                + before);
        Path reference = dir.resolve("isohybrid.iso");
        new Remaster(new RecordingLog()).run(RemasterOptions.of(src, reference).withEfi("none"));
        Path out = dir.resolve("appended.iso");
        RecordingLog log = new RecordingLog();
        RemasterResult r = new Remaster(log).run(RemasterOptions.of(src, out).withEfi("none")
                .withLayout(StickLayout.APPENDED));
        assertTrue(log.has("an El Torito boot image") && log.has("moved blocks"), String.join("\n", log.lines));
        long after = biosLba(out);
        assertTrue(after > before, "moved to the end: " + after);
        assertEquals(after, r.bootFileLba(), "the result names the moved boot file");
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "r")) {
            f.seek(432);
            assertEquals(after * 4, Integer.toUnsignedLong(Integer.reverseBytes(f.readInt())), "MBR pointer");
            f.seek(after * 2048 + 8);
            assertEquals(16, Integer.reverseBytes(f.readInt()), "boot info table: the primary descriptor");
            assertEquals(after, Integer.toUnsignedLong(Integer.reverseBytes(f.readInt())), "boot info table: the file");
        }
        String listed = HostTools.run("isoinfo", "-R", "-l", "-i", out.toString());
        assertTrue(listed.matches("(?s).*\\[ +" + after + " 00\\]\\s+isolinux\\.bin.*"), "the tree names it there: "
                + listed);
        Map<String, IsoViews.View> views = views(src, dir);
        // the catalog and isolinux.bin name their own places: only their content may differ from the source's
        AppendedCheck.verify(reference, out, views, true, dir, java.util.Set.of("/isolinux/boot.cat",
                "/isolinux/isolinux.bin"));
        Path again = dir.resolve("again.iso");
        new Remaster(new RecordingLog()).run(RemasterOptions.of(src, again).withEfi("none")
                .withLayout(StickLayout.APPENDED));
        assertEquals(-1L, Files.mismatch(out, again), "reproducible");
    }

    @Test
    void aDeepRockRidgeTreeKeepsItsRelocatedDirectoriesInThePartition() throws Exception {
        HostTools.require("genisoimage", "xorriso", "isoinfo", "sgdisk");
        Path dir = HostTools.workDir("appended-deep");
        Path tree = dir.resolve("tree");
        Path deep = tree;
        for (int i = 1; i <= 11; i++) {
            deep = deep.resolve("level" + i);
        }
        Files.createDirectories(deep);
        Files.writeString(deep.resolve("bottom.txt"), "eleven levels down\n");
        Files.createDirectories(tree.resolve("boot"));
        Files.write(tree.resolve("boot/cd.img"), new byte[2048]);
        Files.createDirectories(tree.resolve("loader/entries"));
        Files.writeString(tree.resolve("loader/entries/live.conf"), "title Live\nlinux /boot/bzImage\n");
        Files.write(tree.resolve("boot/bzImage"), new byte[4096]);
        Path src = dir.resolve("deep.iso");
        HostTools.run("genisoimage", "-quiet", "-R", "-V", "DEEP", "-o", src.toString(), "-b", "boot/cd.img",
                "-c", "boot/boot.cat", "-no-emul-boot", tree.toString());
        String plain = HostTools.run("isoinfo", "-l", "-i", src.toString());
        assertTrue(plain.contains("RR_MOVED"), "genisoimage relocated the deep directory: " + plain);
        Path reference = dir.resolve("isohybrid.iso");
        new Remaster(new RecordingLog()).run(RemasterOptions.of(src, reference).withEfi("none"));
        Path out = dir.resolve("appended.iso");
        new Remaster(new RecordingLog()).run(RemasterOptions.of(src, out).withEfi("none")
                .withLayout(StickLayout.APPENDED));
        AppendedCheck.verify(reference, out, views(src, dir), true, dir);

        // the appended output, given one more file: its own layout is kept (partition 1 and the ESP move, the
        // hybrid MBR's 0xEE stays over the GPT's sectors), nothing overlaps, and partition 1 shows the new file
        Path overlay = dir.resolve("overlay/etc");
        Files.createDirectories(overlay);
        Files.writeString(overlay.resolve("added.txt"), "added later\n");
        Path again = dir.resolve("again.iso");
        RecordingLog log = new RecordingLog();
        new Remaster(log).run(RemasterOptions.of(out, again).withImageDirectory(dir.resolve("overlay")));
        assertTrue(log.has("keeping its layout"), String.join("\n", log.lines));
        assertEquals(java.util.List.of(), org.nixusb.testing.SgdiskReport.problems(again));
        String info = HostTools.run("sgdisk", "-i", "1", again.toString());
        Matcher last = Pattern.compile("Last sector: (\\d+)").matcher(info);
        assertTrue(info.contains("First sector: 64 ") && last.find(), info);
        Path part = dir.resolve("again-partition-1.img");
        AppendedCheck.cut(again, 64 * 512, (Long.parseLong(last.group(1)) + 1) * 512, part);
        assertTrue(HostTools.run("isoinfo", "-R", "-f", "-i", part.toString()).contains("/etc/added.txt"),
                "partition 1's session names the added file");
        assertTrue(HostTools.run("isoinfo", "-R", "-f", "-i", again.toString()).contains("/etc/added.txt"));
    }

    private static Map<String, IsoViews.View> views(Path src, Path dir) throws Exception {
        Map<String, IsoViews.View> views = new HashMap<>();
        for (String v : IsoViews.VIEWS) {
            views.put(v, IsoViews.read(src, v, dir.resolve("src-" + v)));
        }
        return views;
    }

    private static long biosLba(Path iso) throws Exception {
        String report = HostTools.run("xorriso", "-indev", iso.toString(), "-report_el_torito", "plain");
        Matcher m = BIOS_LBA.matcher(report);
        assertTrue(m.find(), report);
        return Long.parseLong(m.group(1));
    }
}
