package org.nixusb.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixusb.binary.Bytes;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * The partition tables of images xorriso made in the layouts distributions use, read and grown, each
 * judged by xorriso's and sgdisk's own readers.
 */
class PartitionTableTest {
    private static Path image(Path dir, String layout) throws Exception {
        Path tree = SourceIsos.nixosTree(dir.resolve("tree"), false);
        Path payload = dir.resolve("BOOTX64.EFI");
        Files.write(payload, "stand-in".getBytes(StandardCharsets.US_ASCII));
        Path esp = SourceIsos.efiImage(dir, "esp.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI", payload.toString()}});
        List<String> cmd = HostTools.list("xorriso", "-as", "mkisofs", "-quiet", "-R", "-o",
                dir.resolve("src.iso").toString(), "-b", "boot/dummy-boot.img", "-c", "boot/boot.cat",
                "-no-emul-boot", "-boot-load-size", "4");
        switch (layout) {
            case "isohybrid-gpt" -> {
                Files.copy(esp, tree.resolve("boot/efi.img"));
                cmd.addAll(List.of("-isohybrid-mbr", "/usr/lib/ISOLINUX/isohdpfx.bin", "-eltorito-alt-boot", "-e",
                        "boot/efi.img", "-no-emul-boot", "-isohybrid-gpt-basdat"));
            }
            case "grub-appended-gpt" -> cmd.addAll(List.of("--grub2-mbr", "/usr/lib/grub/i386-pc/boot_hybrid.img",
                    "-partition_offset", "16", "-append_partition", "2", "0xef", esp.toString(),
                    "-appended_part_as_gpt"));
            case "mbr-appended" -> cmd.addAll(List.of("--grub2-mbr", "/usr/lib/grub/i386-pc/boot_hybrid.img",
                    "-append_partition", "2", "0xef", esp.toString()));
            default -> throw new IllegalArgumentException(layout);
        }
        SourceIsos.touchAll(tree);
        cmd.add(tree.toString());
        HostTools.run(cmd.toArray(new String[0]));
        return dir.resolve("src.iso");
    }

    /** xorriso's view: "MBR n start size type" and "GPT n start size". */
    private static List<String> xorrisoPlaces(Path iso) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : HostTools.run("xorriso", "-indev", iso.toString(), "-report_system_area", "plain")
                .split("\n")) {
            String[] f = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
            if (line.startsWith("MBR partition      :") && !f[0].equals("N")) {
                out.add("MBR " + f[0] + " " + f[3] + " " + f[4] + " " + f[2]);
            } else if (line.startsWith("GPT start and size :")) {
                out.add("GPT " + f[0] + " " + f[1] + " " + f[2]);
            }
        }
        return out;
    }

    private static List<String> ours(PartitionTable t, PartitionTable.Growth g) {
        List<String> out = new ArrayList<>();
        for (PartitionTable.Partition p : t.partitions()) {
            long start = g == null ? p.start() : PartitionTable.newStart(p, g);
            long end = g == null ? p.end() : PartitionTable.newEnd(p, g);
            out.add(p.scheme() + " " + (p.slot() + 1) + " " + start + " " + (end - start)
                    + (p.scheme() == PartitionTable.Scheme.MBR ? String.format(" 0x%02x", p.mbrType()) : ""));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"isohybrid-gpt", "grub-appended-gpt", "mbr-appended"})
    void readsWhatXorrisoReportsAndGrowsIntoATableSgdiskAccepts(String layout) throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy", "sgdisk");
        Path dir = HostTools.workDir("partition-table-" + layout);
        Path src = image(dir, layout);
        long sectors = Files.size(src) / 512;
        PartitionTable table;
        try (ImageFile f = ImageFile.open(src)) {
            table = PartitionTable.read(f);
        }
        assertEquals(xorrisoPlaces(src).stream().sorted().toList(), ours(table, null).stream().sorted().toList());
        assertEquals(!layout.equals("mbr-appended"), table.hasGpt());

        // grow by 1 MiB of new data at the end of the volume; appended partitions move behind it
        long dataEnd;
        try (org.nixusb.iso9660.IsoVolume v = org.nixusb.iso9660.IsoVolume.open(src)) {
            dataEnd = org.nixusb.remaster.LayoutKeepingEdit.dataEnd(v) * 4;
        }
        List<PartitionTable.Partition> appended = table.appended(dataEnd, sectors);
        assertEquals(!layout.equals("isohybrid-gpt"), !appended.isEmpty(), appended.toString());
        long a0 = appended.isEmpty() ? -1 : appended.get(0).start();
        long a1 = appended.stream().mapToLong(PartitionTable.Partition::end).max().orElse(-1);
        long shift = a0 < 0 ? 0 : 2048;
        long newSectors = sectors + 2048;
        PartitionTable.Growth g = new PartitionTable.Growth(a0, a1, shift, sectors, newSectors);
        Path out = dir.resolve("grown.iso");
        Files.copy(src, out);
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
            f.setLength(newSectors * 512);
            if (a0 >= 0) {
                byte[] moved = new byte[(int) ((a1 - a0) * 512)];
                f.seek(a0 * 512);
                f.readFully(moved);
                f.seek((a0 + shift) * 512);
                f.write(moved);
            }
            for (PositionedWrite w : table.resized(g)) {
                f.seek(w.position());
                f.write(w.bytes());
            }
        }
        assertEquals(ours(table, g).stream().sorted().toList(), xorrisoPlaces(out).stream().sorted().toList());
        assertEquals(List.of(), org.nixusb.testing.SgdiskReport.added(src, out),
                "sgdisk finds problems in the grown table its source did not have");
        for (PartitionTable.Partition p : table.partitions()) {
            if (p.protective()) {
                assertEquals(newSectors, PartitionTable.newEnd(p, g), "the protective entry covers the disk");
            }
        }
        try (ImageFile f = ImageFile.open(out)) {
            PartitionTable again = PartitionTable.read(f);
            assertEquals(table.hasGpt(), again.hasGpt(), "the grown GPT's CRCs check out");
            assertEquals(ours(table, g), ours(again, null));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {0xFFFFFF00L, 1L << 20})
    void aPartitionReachingBeyondTheImageIsNeverMoved(long size) throws Exception {
        Path dir = HostTools.workDir("partition-table-beyond-" + size);
        Path img = dir.resolve("small.img");
        byte[] b = new byte[64 * 1024];
        b[446 + 16 + 4] = (byte) 0xEF;
        Bytes.put32le(b, 446 + 16 + 8, 100);
        Bytes.put32le(b, 446 + 16 + 12, size);
        b[510] = 0x55;
        b[511] = (byte) 0xAA;
        Files.write(img, b);
        try (ImageFile f = ImageFile.open(img)) {
            PartitionTable t = PartitionTable.read(f);
            assertEquals(1, t.partitions().size());
            assertFalse(t.hasGpt());
            assertTrue(t.appended(64, b.length / 512).isEmpty(), "a partition past the end is no appended one");
        }
    }
}
