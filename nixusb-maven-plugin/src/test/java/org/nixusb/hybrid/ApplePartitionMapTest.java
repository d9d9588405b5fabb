package org.nixusb.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nixusb.lint.ImageLint;
import org.nixusb.remaster.Remaster;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * Apple partition maps as the tools that write them lay them out: genisoimage's HFS hybrid ({@code -hfs -part},
 * 512-byte blocks) and xorriso's {@code -isohybrid-apm-hfsplus} (2048-byte blocks), each read back and compared
 * with xorriso's report of the same map; lint names the map; a remaster that writes its own layout over it says
 * so; random bytes never make the reader throw.
 */
class ApplePartitionMapTest {

    private static byte[] systemArea(Path iso) throws Exception {
        try (InputStream in = Files.newInputStream(iso)) {
            return in.readNBytes(32768);
        }
    }

    /** xorriso's APM entries: "name|type|start|size", the map's own entry left out as xorriso leaves it out. */
    private static List<String> xorrisoEntries(Path iso) throws Exception {
        String r = HostTools.run("xorriso", "-indev", iso.toString(), "-report_system_area", "plain");
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        Matcher m = Pattern.compile("APM partition name : +\\d+ +(.*)\\n").matcher(r);
        while (m.find()) {
            names.add(m.group(1).strip());
        }
        m = Pattern.compile("APM partition type : +\\d+ +(.*)\\n").matcher(r);
        while (m.find()) {
            types.add(m.group(1).strip());
        }
        m = Pattern.compile("APM start and size : +\\d+ +(\\d+) +(\\d+)").matcher(r);
        while (m.find()) {
            ranges.add(m.group(1) + "|" + m.group(2));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(names.get(i) + "|" + types.get(i) + "|" + ranges.get(i));
        }
        return out;
    }

    private static List<String> ours(ApplePartitionMap map) {
        return map.entries().stream().filter(e -> !e.type().equals("Apple_partition_map"))
                .map(e -> e.name() + "|" + e.type() + "|" + e.start() + "|" + e.blocks()).toList();
    }

    @Test
    void mapsOfGenisoimageAndXorrisoReadAsXorrisoReadsThem() throws Exception {
        HostTools.require("genisoimage", "xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("apm");
        Path tree = SourceIsos.nixosTree(dir, true);
        Path hfs = SourceIsos.genisoimage(dir, tree, "hfs.iso", "-hfs", "-part");
        ApplePartitionMap h = ApplePartitionMap.read(systemArea(hfs));
        assertEquals(512, h.blockSize());
        assertEquals("Apple_partition_map", h.entries().get(0).type());
        assertEquals(xorrisoEntries(hfs), ours(h));
        assertFalse(ours(h).isEmpty());

        Path loader = dir.resolve("BOOTX64.EFI");
        Files.write(loader, org.nixusb.testing.MadeUpKernels.peProgram(0x8664));
        Path esp = SourceIsos.efiImage(dir, "esp.img", new String[][] {{"/EFI/BOOT/BOOTX64.EFI", loader.toString()}});
        Files.copy(esp, tree.resolve("boot/efi.img"));
        Path x = SourceIsos.xorriso(dir, tree, "apm.iso", "-isohybrid-mbr", "/usr/lib/ISOLINUX/isohdpfx.bin",
                "-eltorito-alt-boot", "-e", "boot/efi.img", "-no-emul-boot", "-isohybrid-gpt-basdat",
                "-isohybrid-apm-hfsplus");
        ApplePartitionMap a = ApplePartitionMap.read(systemArea(x));
        assertEquals(2048, a.blockSize());
        assertEquals(xorrisoEntries(x), ours(a));
        assertTrue(ours(a).get(0).startsWith("EFI|Apple_HFS|"), ours(a).toString());

        assertNull(ApplePartitionMap.read(systemArea(SourceIsos.genisoimage(dir, tree, "plain.iso"))), "no map");

        // lint names the map on both; the HFS hybrid has no MBR or GPT besides
        var hl = ImageLint.lint(hfs);
        assertTrue(hl.ids().contains("APPLE_PARTITION_MAP") && hl.ids().contains("NO_PARTITION_TABLE"), hl.text());
        assertTrue(hl.text().contains("only an Apple partition map"), hl.text());
        assertTrue(ImageLint.lint(x).ids().contains("APPLE_PARTITION_MAP"));

        // a remaster that writes its own layout over the map says so; the output lints clean of errors
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("hfs-usb.iso");
        new Remaster(log).run(RemasterOptions.of(hfs, out));
        assertTrue(log.has("The source's system area holds an Apple partition map (512-byte blocks: 'Apple' "
                + "Apple_partition_map"), log.lines.toString());
        assertTrue(log.has("which the isohybrid layout written in its place replaces"), log.lines.toString());
        assertFalse(ImageLint.lint(out).ids().contains("APPLE_PARTITION_MAP"), "the output has nixusb's layout");
        // the layout-keeping edit keeps xorriso's map as it is
        RecordingLog kept = new RecordingLog();
        Path overlay = dir.resolve("overlay");
        Files.createDirectories(overlay);
        Files.writeString(overlay.resolve("added.txt"), "x\n");
        Path keptOut = dir.resolve("apm-edited.iso");
        new Remaster(kept).run(RemasterOptions.of(x, keptOut).withImageDirectory(overlay));
        assertEquals(xorrisoEntries(x), xorrisoEntries(keptOut));
        assertFalse(kept.has("Apple partition map"), kept.lines.toString());
    }

    @Test
    void randomAndDamagedSystemAreasNeverThrow() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(3) == 0 ? r.nextInt(2100) : 32768];
            r.nextBytes(b);
            if (b.length >= 4 && r.nextBoolean()) {
                b[0] = 'E';
                b[1] = 'R';
                b[2] = (byte) (r.nextBoolean() ? 0x02 : 0x08);
                b[3] = 0;
                int bs = b[2] == 2 ? 512 : 2048;
                for (int k = 1; (k + 1) * bs <= b.length && k < 70; k++) {
                    if (r.nextInt(8) != 0) {
                        b[k * bs] = 'P';
                        b[k * bs + 1] = 'M';
                    }
                }
            }
            ApplePartitionMap m = ApplePartitionMap.read(b);
            if (m != null) {
                assertTrue(m.entries().size() <= 63);
                m.describe();
            }
        }
    }
}
