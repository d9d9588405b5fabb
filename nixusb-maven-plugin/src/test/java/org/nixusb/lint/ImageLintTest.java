package org.nixusb.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nixusb.BuildLog;
import org.nixusb.remaster.Remaster;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.MadeUpKernels;
import org.nixusb.testing.SourceIsos;

/**
 * {@code nixusb:lint} on images other tools made (xorriso with each system-area option, syslinux's isohybrid,
 * grub-mkrescue), on damaged copies of them, and on nixusb's own output: each must give the findings its layout
 * has, no more, no fewer. The expectations come from the layouts' definitions (what each tool writes), not from a
 * run of the linter.
 */
class ImageLintTest {
    private static Path dir;
    private static Path tree;
    private static Path esp;

    @BeforeAll
    static void tree() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy", "mmd");
        dir = HostTools.workDir("lint");
        tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("isolinux"));
        Files.createDirectories(tree.resolve("boot"));
        Files.copy(Path.of("/usr/lib/ISOLINUX/isolinux.bin"), tree.resolve("isolinux/isolinux.bin"));
        Files.writeString(tree.resolve("isolinux/isolinux.cfg"), "DEFAULT x\n");
        Files.write(tree.resolve("boot/bzImage"), MadeUpKernels.bzImage(0x20f, 0x7f));
        Path loader = dir.resolve("BOOTX64.EFI");
        Files.write(loader, MadeUpKernels.peProgram(0x8664));
        esp = SourceIsos.efiImage(dir, "esp.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI", loader.toString()}});
        Files.copy(esp, tree.resolve("boot/efi.img"));
        SourceIsos.touchAll(tree);
    }

    private static Path xorriso(String name, String... system) throws Exception {
        Path iso = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "LINT",
                "-c", "isolinux/boot.cat", "-b", "isolinux/isolinux.bin", "-no-emul-boot", "-boot-load-size", "4",
                "-boot-info-table"));
        cmd.addAll(List.of(system));
        cmd.addAll(List.of("-o", iso.toString(), tree.toString()));
        HostTools.run(cmd.toArray(new String[0]));
        return iso;
    }

    private static final String[] EFI = {"-eltorito-alt-boot", "-e", "boot/efi.img", "-no-emul-boot"};
    private static final String[] MBR = {"-isohybrid-mbr", "/usr/lib/ISOLINUX/isohdpfx.bin"};

    private static String[] join(String[]... parts) {
        List<String> l = new ArrayList<>();
        for (String[] p : parts) {
            l.addAll(List.of(p));
        }
        return l.toArray(new String[0]);
    }

    /** isohybrid's nested layout (xorriso -isohybrid-gpt-basdat, isohybrid -u, nixusb's default): warnings only. */
    private static final Set<String> NESTED = Set.of("PARTITIONS_OVERLAP", "PARTITION_OVERLAPS_GPT",
            "GPT_PARTITION_OUTSIDE_USABLE", "ESP_ONLY_IN_MBR");

    private static Set<String> union(Set<String> a, String... more) {
        Set<String> s = new TreeSet<>(a);
        s.addAll(List.of(more));
        return s;
    }

    private static Set<String> ids(Path image) throws Exception {
        return new TreeSet<>(ImageLint.lint(image).ids());
    }

    @Test
    void imagesOtherToolsMadeGiveTheFindingsOfTheirLayouts() throws Exception {
        Map<String, Object[]> table = new LinkedHashMap<>();
        table.put("isohybrid-mbr + isohybrid-gpt-basdat", new Object[] {xorriso("a.iso", join(MBR, EFI,
                new String[] {"-isohybrid-gpt-basdat"})), NESTED});
        table.put("isohybrid-mbr, EFI entry, no ESP", new Object[] {xorriso("b.iso", join(MBR, EFI)), Set.of("NO_ESP")});
        table.put("isohybrid-mbr + gpt-basdat + apm-hfsplus", new Object[] {xorriso("d.iso", join(MBR, EFI,
                new String[] {"-isohybrid-gpt-basdat", "-isohybrid-apm-hfsplus"})), union(NESTED,
                        "APPLE_PARTITION_MAP")});
        String[] appended = {"-partition_offset", "16", "-append_partition", "2", "0xef", esp.toString(),
            "-appended_part_as_gpt", "-eltorito-alt-boot", "-e", "--interval:appended_partition_2:all::",
            "-no-emul-boot"};
        table.put("partition_offset 16 + appended ESP as GPT", new Object[] {xorriso("e.iso", join(MBR, appended)),
            Set.of("PROTECTIVE_MBR_NOT_ACTIVE")});
        table.put("the same + mbr-force-bootable", new Object[] {xorriso("f.iso", join(MBR, appended,
                new String[] {"--mbr-force-bootable"})), Set.of("ESP_ONLY_IN_GPT")});
        table.put("protective-msdos-label", new Object[] {xorriso("g.iso", join(EFI,
                new String[] {"--protective-msdos-label"})), Set.of("NO_ESP", "BIOS_STICK_NO_BOOT_CODE")});
        // the ESP as a GPT partition over the El Torito EFI image (grub-mkrescue's way); xorriso 1.5.4 refuses it
        // beside -isohybrid-mbr ("Overlapping MBR partition entries requested"), so it comes with a protective MBR
        table.put("efi-boot-part --efi-boot-image", new Object[] {xorriso("n.iso", join(EFI,
                new String[] {"-efi-boot-part", "--efi-boot-image"})), Set.of("PROTECTIVE_MBR_NOT_ACTIVE",
                        "BIOS_STICK_NO_BOOT_CODE")});
        Path cd = xorriso("i.iso", EFI);
        table.put("CD only", new Object[] {cd, Set.of("NO_PARTITION_TABLE")});
        // a missing tool leaves its rows out; the rest are judged first, and only then is the test marked skipped
        List<String> missing = new ArrayList<>();
        if (HostTools.onPath("isohybrid")) {
            Path j = Files.copy(cd, dir.resolve("j.iso"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            HostTools.run("isohybrid", j.toString());
            table.put("isohybrid", new Object[] {j, Set.of("NO_ESP")});
            Path k = Files.copy(cd, dir.resolve("k.iso"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            HostTools.run("isohybrid", "-u", k.toString());
            table.put("isohybrid -u", new Object[] {k, NESTED});
        } else {
            missing.add("isohybrid (syslinux-utils)");
        }
        if (HostTools.onPath("grub-mkrescue") && Files.isDirectory(Path.of("/usr/lib/grub/x86_64-efi"))) {
            Path m = dir.resolve("m.iso");
            HostTools.run("grub-mkrescue", "-o", m.toString(), tree.toString());
            // grub-mkrescue writes an Apple partition map beside the GPT (for Macs' HFS+ boot)
            table.put("grub-mkrescue", new Object[] {m, Set.of("PROTECTIVE_MBR_NOT_ACTIVE", "APPLE_PARTITION_MAP")});
        } else {
            missing.add("grub-mkrescue with GRUB's x86_64-efi modules");
        }
        StringBuilder report = new StringBuilder();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Object[]> e : table.entrySet()) {
            Set<String> found = ids((Path) e.getValue()[0]);
            @SuppressWarnings("unchecked")
            Set<String> want = new TreeSet<>((Set<String>) e.getValue()[1]);
            report.append(String.format("| %s | %s | %s |%n", e.getKey(), want, found));
            if (!found.equals(want)) {
                wrong.add(e.getKey() + ": expected " + want + ", found " + found + "\n"
                        + ImageLint.lint((Path) e.getValue()[0]).text());
            }
        }
        System.out.println("lint table:\n" + report);
        assertEquals(List.of(), wrong);
        if (!missing.isEmpty()) {
            HostTools.unavailable("rows left out of the lint table: " + String.join(", ", missing));
        }
    }

    @Test
    void damagedCopiesAreCaught() throws Exception {
        Path good = xorriso("good.iso", join(MBR, EFI, new String[] {"-isohybrid-gpt-basdat"}));
        long size = Files.size(good);
        assertEquals(new TreeSet<>(NESTED), ids(good), "the undamaged copy: the nested layout's warnings only");

        assertTrue(ids(damage(good, "header-crc.iso", 512 + 16, 0x5a)).contains("GPT_HEADER_CRC"));
        assertTrue(ids(damage(good, "entries-crc.iso", 1024 + 56, 0x41)).contains("GPT_ENTRIES_CRC"));
        assertTrue(ids(damage(good, "backup-crc.iso", size - 512 + 16, 0x5a)).contains("GPT_BACKUP_CRC"));
        Path cut = Files.copy(good, dir.resolve("truncated.iso"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(cut.toFile(), "rw")) {
            f.setLength(size - (1 << 20));
        }
        Set<String> truncated = ids(cut);
        assertTrue(truncated.containsAll(Set.of("GPT_BACKUP_BEYOND_IMAGE", "PARTITION_BEYOND_IMAGE",
                "VOLUME_BEYOND_FILE")), truncated.toString());
        // the MBR's table wiped: a GPT no BIOS can read
        Path noMbr = Files.copy(good, dir.resolve("no-mbr.iso"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(noMbr.toFile(), "rw")) {
            f.seek(446);
            f.write(new byte[66]);
        }
        assertTrue(ids(noMbr).contains("GPT_WITHOUT_MBR"), ids(noMbr).toString());
        // isohybrid's boot code pointing past the end, and elsewhere
        assertTrue(ids(damage32(good, "boot-outside.iso", 432, size / 512 + 100)).contains("BIOS_CODE_OUTSIDE_IMAGE"));
        assertTrue(ids(damage32(good, "boot-elsewhere.iso", 432, 4)).contains("BIOS_CODE_POINTS_ELSEWHERE"));
        // a GPT entry made to overlap another, CRCs recomputed: the GPT itself is fine, the overlap is found
        Path clean = xorriso("clean.iso", join(MBR, new String[] {"-partition_offset", "16", "-append_partition",
            "2", "0xef", esp.toString(), "-appended_part_as_gpt", "--mbr-force-bootable", "-eltorito-alt-boot", "-e",
            "--interval:appended_partition_2:all::", "-no-emul-boot"}));
        assertEquals(Set.of("ESP_ONLY_IN_GPT"), ids(clean));
        Path overlap = Files.copy(clean, dir.resolve("overlap.iso"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(overlap.toFile(), "rw")) {
            byte[] h = new byte[512];
            f.seek(512);
            f.readFully(h);
            long entriesLba = le(h, 72, 8);
            int count = (int) le(h, 80, 4);
            int esz = (int) le(h, 84, 4);
            byte[] e = new byte[count * esz];
            f.seek(entriesLba * 512);
            f.readFully(e);
            long firstOf1 = le(e, 32, 8);
            put(e, esz + 32, 8, firstOf1 + 1); // entry 2 now starts inside entry 1
            put(h, 88, 4, crc(e, e.length));
            put(h, 16, 4, 0);
            put(h, 16, 4, crc(h, (int) le(h, 12, 4)));
            f.seek(entriesLba * 512);
            f.write(e);
            f.seek(512);
            f.write(h);
        }
        Set<String> o = ids(overlap);
        assertTrue(o.contains("PARTITIONS_OVERLAP") && o.contains("GPT_BACKUP_DISAGREES"), o.toString());
        // no isohybrid nesting explains it: a warning, not the nested layout's note
        assertEquals(List.of(Severity.WARNING), severities(overlap, "PARTITIONS_OVERLAP"));
        // a primary GPT whose entry array lies at a sector past 2^54 (a fuzzer's find): judged, not a crash
        Path far = Files.copy(good, dir.resolve("far-entries.iso"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(far.toFile(), "rw")) {
            byte[] h = new byte[512];
            f.seek(512);
            f.readFully(h);
            put(h, 72, 8, 0x7f7f_0000_0000_0000L);
            put(h, 16, 4, 0);
            put(h, 16, 4, crc(h, (int) le(h, 12, 4)));
            f.seek(512);
            f.write(h);
        }
        assertTrue(ids(far).contains("GPT_ENTRIES_CRC"), "a header that checks out, entries it cannot read: "
                + ids(far));
        // a loader whose name says x64 but which is for arm64
        Path wrongLoader = dir.resolve("BOOTX64-arm.EFI");
        Files.write(wrongLoader, MadeUpKernels.peProgram(0xaa64));
        Path wrongEsp = SourceIsos.efiImage(dir, "wrong-esp.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI",
            wrongLoader.toString()}});
        Path arm = xorriso("wrong-arch.iso", join(MBR, new String[] {"-partition_offset", "16", "-append_partition",
            "2", "0xef", wrongEsp.toString(), "-appended_part_as_gpt", "--mbr-force-bootable", "-eltorito-alt-boot",
            "-e", "--interval:appended_partition_2:all::", "-no-emul-boot"}));
        assertTrue(ids(arm).contains("EFI_LOADER_WRONG_ARCH"), ids(arm).toString());
        ImageLint.Report r = ImageLint.lint(arm);
        assertEquals(Severity.ERROR, r.worst());
        Finding f = r.findings().get(0);
        assertTrue(f.read().contains("PE machine 0xaa64") && f.cure().contains("efi=create"), f.toString());
        assertTrue(r.json().contains("\"id\" : \"EFI_LOADER_WRONG_ARCH\""), r.json());
    }

    /** The severities lint gives the findings {@code id} of {@code image}, in order. */
    private static List<Severity> severities(Path image, String id) throws Exception {
        return ImageLint.lint(image).findings().stream().filter(f -> f.id().equals(id)).map(Finding::severity)
                .distinct().toList();
    }

    /**
     * isohybrid's nested layout (nixusb's default, xorriso's basdat, isohybrid -u) is rated as notes: the four
     * findings are there, each an info naming the layouts without nesting; no warning for a layout PCs boot.
     */
    @Test
    void nixusbsOwnOutputHasTheNestedLayoutsNotesAndNoWarning() throws Exception {
        Path src = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir.resolve("nix"), true), "nixos.iso");
        Path out = dir.resolve("nixusb.iso");
        new Remaster(BuildLog.SILENT).run(RemasterOptions.of(src, out));
        ImageLint.Report r = ImageLint.lint(out);
        assertEquals(new TreeSet<>(NESTED), new TreeSet<>(r.ids()), r.text());
        assertEquals(Severity.INFO, r.worst(), r.text());
        for (Finding f : r.findings()) {
            assertTrue(f.firmware().contains("isohybrid's nested layout") && f.cure().contains("gpt or appended"),
                    f.toString());
        }
        Path xorrisoNested = xorriso("nested-basdat.iso", join(MBR, EFI, new String[] {"-isohybrid-gpt-basdat"}));
        assertEquals(Severity.INFO, ImageLint.lint(xorrisoNested).worst(), "xorriso's nesting is rated the same");
        assertNull(Severity.parseThreshold("none"));
        assertTrue(!Severity.WARNING.reaches(Severity.ERROR) && Severity.ERROR.reaches(Severity.WARNING));
    }

    private static Path damage(Path good, String name, long at, int value) throws Exception {
        Path p = Files.copy(good, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.seek(at);
            int old = f.read();
            f.seek(at);
            f.write(old ^ value);
        }
        return p;
    }

    private static Path damage32(Path good, String name, long at, long value) throws Exception {
        Path p = Files.copy(good, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            byte[] b = new byte[4];
            put(b, 0, 4, value);
            f.seek(at);
            f.write(b);
        }
        return p;
    }

    private static long le(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static void put(byte[] b, int off, int n, long v) {
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    private static long crc(byte[] b, int len) {
        CRC32 c = new CRC32();
        c.update(b, 0, len);
        return c.getValue();
    }
}
