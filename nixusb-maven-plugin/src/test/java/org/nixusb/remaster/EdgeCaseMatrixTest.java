package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.testing.EdgeCaseDamage;
import org.nixusb.testing.EdgeCaseTrees;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.IsoViews;

/**
 * The general case: ISO images made by genisoimage and xorriso with every option that changes the
 * on-disk layout, over trees whose names get in the way of what the remaster adds, with every kind of
 * El Torito entry, and with damage to every structure the remaster reads. Each source is remastered
 * with the defaults; xorriso then reads the source and the output in each of its views (Rock Ridge,
 * Joliet, plain ISO 9660) and every source entry must be in the output unchanged (type, permissions,
 * size, mtime, link target, content), with no name collision the source did not have; the output
 * must pass {@code xorriso -report_el_torito/-report_system_area} and {@code isoinfo -d}, and its El
 * Torito BIOS entry must be the added isolinux.bin. A damaged source must either give such an output
 * or be refused with one clear message and no output.
 */
class EdgeCaseMatrixTest {
    static final Instant TIMESTAMP = Instant.parse("2024-01-01T00:00:00Z");
    static Path work;
    static final Map<String, Path> TREES = new ConcurrentHashMap<>();
    static final Map<String, String> VERDICTS = new ConcurrentHashMap<>();
    static final AtomicInteger REFUSED = new AtomicInteger();

    /** One generated source: a tree, the tool and its options, and an optional damage. */
    record Case(String name, String tree, String tool, List<String> options, EdgeCaseDamage damage) {
    }

    static final List<List<String>> GENISOIMAGE_OPTIONS = List.of(
            List.of(), List.of("-R"), List.of("-r"), List.of("-J"), List.of("-J", "-joliet-long"),
            List.of("-R", "-J"), List.of("-r", "-J", "-joliet-long"), List.of("-iso-level", "1", "-R"),
            List.of("-iso-level", "2"), List.of("-iso-level", "3", "-R"), List.of("-iso-level", "4"),
            List.of("-iso-level", "4", "-R", "-J"), List.of("-l"), List.of("-l", "-R"), List.of("-allow-lowercase"),
            List.of("-allow-multidot"), List.of("-relaxed-filenames"), List.of("-U"), List.of("-U", "-R", "-J"),
            List.of("-d"), List.of("-N"), List.of("-d", "-N", "-R"), List.of("-D"), List.of("-D", "-R"),
            List.of("-R", "-hide", "readme.txt"), List.of("-R", "-J", "-hide-joliet", "readme.txt"),
            List.of("-udf"), List.of("-R", "-J", "-udf"), List.of("-R", "-J", "-iso-level", "3", "-udf"));

    static final List<List<String>> XORRISO_OPTIONS = List.of(
            List.of("-R", "-J"), List.of("-r"), List.of(), List.of("-J"), List.of("-iso-level", "1", "-R"),
            List.of("-iso-level", "3", "-J", "-joliet-long"), List.of("-U", "-R"), List.of("-D", "-r"),
            List.of("-R", "-J", "-hide", "readme.txt"));

    /** El Torito setups: the options after the layout options. */
    static final Map<String, List<String>> BOOTS = Map.of(
            "noemul", List.of("-b", "eltorito/boot.img", "-c", "eltorito/boot.cat", "-no-emul-boot",
                    "-boot-load-size", "4"),
            "floppy", List.of("-b", "eltorito/floppy.img", "-c", "eltorito/boot.cat"),
            "harddisk", List.of("-b", "eltorito/hd.img", "-hard-disk-boot", "-c", "eltorito/boot.cat"),
            "two-entries", List.of("-b", "eltorito/boot.img", "-c", "eltorito/boot.cat", "-no-emul-boot",
                    "-boot-load-size", "4", "-eltorito-alt-boot", "-b", "eltorito/boot2.img", "-no-emul-boot"),
            "bios-and-efi", List.of("-b", "eltorito/boot.img", "-c", "eltorito/boot.cat", "-no-emul-boot",
                    "-boot-load-size", "4", "-eltorito-alt-boot", "-e", "eltorito/efi.img", "-no-emul-boot"),
            "efi-only", List.of("-c", "eltorito/boot.cat", "-eltorito-alt-boot", "-e", "eltorito/efi.img",
                    "-no-emul-boot"),
            "none", List.of());

    @BeforeAll
    static void trees() throws Exception {
        HostTools.require("genisoimage", "xorriso", "isoinfo", "mkfs.vfat", "mcopy");
        work = HostTools.workDir("edge-matrix");
        Path t = work.resolve("trees");
        TREES.put("plain", EdgeCaseTrees.plain(t));
        TREES.put("taken-files", EdgeCaseTrees.takenByFiles(t));
        TREES.put("taken-dirs", EdgeCaseTrees.takenByDirectories(t));
        TREES.put("odd", EdgeCaseTrees.oddNames(t));
        TREES.put("boots", EdgeCaseTrees.boots(t));
    }

    @AfterAll
    static void summary() {
        long kept = VERDICTS.values().stream().filter(v -> v.startsWith("kept")).count();
        System.out.printf("edge-case matrix: %d cases, %d remastered with everything kept, %d refused%n",
                VERDICTS.size(), kept, REFUSED.get());
        VERDICTS.entrySet().stream().filter(e -> !e.getValue().equals("kept")).sorted(Map.Entry.comparingByKey())
                .forEach(e -> System.out.println("  " + e.getKey() + ": " + e.getValue()));
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String tree : List.of("plain", "taken-files", "taken-dirs", "odd")) {
            for (List<String> o : GENISOIMAGE_OPTIONS) {
                out.add(new Case(tree + " genisoimage " + String.join(" ", o), tree, "genisoimage", o, null));
            }
            for (List<String> o : XORRISO_OPTIONS) {
                out.add(new Case(tree + " xorriso " + String.join(" ", o), tree, "xorriso", o, null));
            }
        }
        for (String boot : BOOTS.keySet().stream().sorted().toList()) {
            for (List<String> o : List.of(List.<String>of(), List.of("-R", "-J"))) {
                out.add(new Case("boots " + boot + " genisoimage " + String.join(" ", o), "boots", "genisoimage",
                        concat(o, BOOTS.get(boot)), null));
            }
            out.add(new Case("boots " + boot + " xorriso -R", "boots", "xorriso", concat(List.of("-R"), BOOTS.get(boot)),
                    null));
        }
        if ("damaged".equals(System.getProperty("nixusb.test.edgeCases"))) {
            out.clear();
        }
        for (EdgeCaseDamage d : EdgeCaseDamage.ALL) {
            out.add(new Case("damaged " + d.name(), "boots", "genisoimage",
                    concat(List.of("-R", "-J"), BOOTS.get("bios-and-efi")), d));
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyCaseKeepsEverythingOrIsRefusedClearly() {
        AtomicInteger n = new AtomicInteger();
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            int number = n.incrementAndGet();
            try {
                run(c, number);
            } catch (AssertionError e) {
                VERDICTS.put(c.name(), "FAILED");
                throw new AssertionError("case " + number + " (" + c.name() + "): " + e.getMessage(), e);
            }
        }));
    }

    private static void run(Case c, int number) throws Exception {
        Path dir = work.resolve("case-" + number);
        Files.createDirectories(dir);
        Path source = build(c, dir);
        Path undamaged = null;
        if (c.damage() != null) {
            undamaged = dir.resolve("undamaged.iso");
            Files.copy(source, undamaged);
            c.damage().apply(source);
        }
        byte[] before = Files.readAllBytes(source);
        Path out = dir.resolve("out/usb.iso");
        RemasterResult r;
        org.nixusb.testing.RecordingLog log = new org.nixusb.testing.RecordingLog();
        try {
            r = new Remaster(log).run(RemasterOptions.of(source, out).withTimestamp(TIMESTAMP)
                    .withMbrId(0x0BADC0DEL));
        } catch (BadInputException e) {
            assertTrue(Arrays.equals(before, Files.readAllBytes(source)), "the source must not change");
            assertFalse(Files.exists(out), "a refused remaster leaves no output");
            try (var s = Files.list(out.getParent())) {
                assertEquals(List.of(), s.toList(), "a refused remaster leaves no temporary file");
            }
            assertTrue(e.getMessage().contains(source.toString()), "the refusal names the file: " + e.getMessage());
            if (c.damage() == null) {
                fail("a valid image was refused: " + e.getMessage());
            }
            assertEquals(EdgeCaseDamage.Outcome.REFUSED, c.damage().expected(), "refused: " + e.getMessage());
            assertTrue(e.getMessage().contains(c.damage().words()), "the refusal names the field ("
                    + c.damage().words() + "): " + e.getMessage());
            assertTrue(e.cure() != null && !e.cure().isBlank(), "the refusal says what to do: " + e.getMessage());
            REFUSED.incrementAndGet();
            VERDICTS.put(c.name(), "refused: " + e.getMessage().replace(source.toString(), "SOURCE"));
            return;
        }
        assertTrue(Arrays.equals(before, Files.readAllBytes(source)), "the source must not change");
        if (c.damage() != null) {
            List<String> warnings = log.lines.stream().filter(l -> l.startsWith("WARN ")).toList();
            switch (c.damage().expected()) {
                case REFUSED -> fail("expected a refusal naming " + c.damage().words() + "; it was kept, warning "
                        + warnings);
                case REPAIRED -> assertTrue(warnings.stream().anyMatch(w -> w.contains(c.damage().words())),
                        "expected a repair warning with '" + c.damage().words() + "': " + warnings);
                case KEPT -> assertEquals(List.of(), warnings, "harmless (" + c.damage().words() + "), so no warning");
            }
        }
        checkValid(out, dir);
        Map<String, IsoViews.View> sourceViews = new java.util.HashMap<>();
        for (String view : IsoViews.VIEWS) {
            IsoViews.View was = IsoViews.read(source, view, dir.resolve("src-" + view));
            sourceViews.put(view, was);
            IsoViews.View now = IsoViews.read(out, view, dir.resolve("out-" + view));
            assertEquals(0, now.exit(), () -> "xorriso could not read the output in view " + view + ":\n" + now.log());
            IsoViews.View base = was;
            if (was.exit() != 0 && c.damage() != null) {
                // xorriso cannot read the damaged source in this view: the output must show the undamaged one's tree
                base = IsoViews.read(undamaged, view, dir.resolve("undamaged-" + view));
            }
            IsoViews.View reference = base;
            assertEquals(0, reference.exit(), () -> "xorriso could not read the source in view " + view + ":\n"
                    + reference.log());
            List<String> lost = IsoViews.lost(reference, now, false);
            assertEquals(List.of(), lost, "view " + view + ": entries lost or changed");
            if (!reference.collisions()) {
                assertFalse(now.collisions(), () -> "view " + view + ": the output has a name collision:\n" + now.log());
            }
            assertTrue(reference.entries().size() > 3, "the source shows its tree in view " + view);
        }
        if (c.damage() == null) {
            // the same source laid out as layout=appended: its second session and moved blocks judged by xorriso
            Path appended = dir.resolve("out/appended.iso");
            new Remaster(BuildLog.SILENT).run(RemasterOptions.of(source, appended).withTimestamp(TIMESTAMP)
                    .withMbrId(0x0BADC0DEL).withLayout(org.nixusb.hybrid.StickLayout.APPENDED));
            boolean rockRidge;
            try (var v = org.nixusb.iso9660.IsoVolume.open(source)) {
                rockRidge = v.rockRidge();
            }
            org.nixusb.testing.AppendedCheck.verify(out, appended, sourceViews, rockRidge, dir);
        }
        VERDICTS.put(c.name(), c.damage() == null ? "kept" : "kept; warnings: " + log.lines.stream()
                .filter(l -> l.startsWith("WARN")).toList());
        HostTools.deleteTree(dir);
    }

    private static final Pattern BIOS_ENTRY = Pattern.compile("El Torito boot img :\\s+\\d+\\s+BIOS\\s+y\\s+none"
            + "\\s+0x0000\\s+0x00\\s+4\\s+(\\d+)");
    private static final Pattern BOOT_PATH = Pattern.compile("El Torito img path :\\s+1\\s+(\\S+)");

    /** The output as other tools see it: valid descriptors, a BIOS entry at isolinux.bin, a sane system area. */
    private static void checkValid(Path out, Path dir) throws Exception {
        String info = HostTools.run("isoinfo", "-d", "-i", out.toString());
        assertTrue(info.contains("Volume id:"), info);
        String report = HostTools.run("xorriso", "-return_with", "SORRY", "32", "-read_fs", "ecma119",
                "-indev", out.toString(), "-report_el_torito", "plain", "-report_system_area", "plain");
        assertFalse(report.contains("FAILURE") || report.contains("SORRY"), report);
        Matcher bios = BIOS_ENTRY.matcher(report);
        assertTrue(bios.find(), "the El Torito catalog has a BIOS no-emulation entry loading 4 sectors:\n" + report);
        Matcher path = BOOT_PATH.matcher(report);
        assertTrue(path.find() && path.group(1).toLowerCase(java.util.Locale.ROOT).endsWith("/isolinux.bin"),
                "the BIOS entry loads isolinux.bin:\n" + report);
        assertTrue(report.contains("MBR") && report.contains("isohybrid"), "an isohybrid MBR:\n" + report);
    }

    private static Path build(Case c, Path dir) throws Exception {
        Path tree = TREES.get(c.tree());
        Path iso = dir.resolve("src.iso");
        List<String> cmd = new ArrayList<>();
        if (c.tool().equals("xorriso")) {
            cmd.addAll(List.of("xorriso", "-as", "mkisofs"));
        } else {
            cmd.add("genisoimage");
        }
        cmd.addAll(List.of("-quiet", "-o", iso.toString(), "-V", "NIXOS_ISO"));
        cmd.addAll(c.options());
        if (!c.options().contains("-b") && !c.options().contains("-e") && !c.tree().equals("boots")) {
            cmd.addAll(BOOTS.get("noemul"));
        }
        cmd.add(tree.toString());
        HostTools.run(cmd.toArray(new String[0]));
        return iso;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
