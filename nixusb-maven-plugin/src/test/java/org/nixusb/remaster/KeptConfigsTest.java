package org.nixusb.remaster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.checksum.Sha256File;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.IsoFiles;
import org.nixusb.testing.RecordingLog;
import org.nixusb.testing.SourceIsos;

/**
 * kernelArgs and serial reach the configs a remaster keeps: the ISOLINUX config files of a source that boots
 * with ISOLINUX (INCLUDEd files too), GRUB configs in the tree and in the EFI image, and systemd-boot entries in
 * the EFI image, rewritten in place. Read back from the output by xorriso and mtools; fsck.fat finds the EFI
 * image clean; the source is unchanged. Control: without the options the kept files are the source's bytes.
 */
class KeptConfigsTest {
    private static final String ARGS = "console=ttyS0 nixusb.proof=kept";

    @Test
    void isolinuxLabelsGetTheArgumentsAndSerial() {
        String cfg = String.join("\n", "DEFAULT live", "PROMPT 0", "LABEL live", "  MENU LABEL Live",
                "  KERNEL /live/vmlinuz", "  APPEND initrd=/live/initrd.img boot=live", "LABEL bare",
                "  LINUX /boot/bzImage", "LABEL hdt", "  COM32 hdt.c32", "LABEL chain", "  KERNEL chain.c32",
                "  APPEND hd0 0", "LABEL local", "  LOCALBOOT 0", "LABEL dash", "  KERNEL /k", "  APPEND -", "");
        String out = KeptConfigs.isolinuxText(cfg, ARGS, true);
        assertEquals(String.join("\n", "SERIAL 0 115200", "DEFAULT live", "PROMPT 0", "LABEL live",
                "  MENU LABEL Live", "  KERNEL /live/vmlinuz", "  APPEND initrd=/live/initrd.img boot=live " + ARGS,
                "LABEL bare", "  LINUX /boot/bzImage", "  APPEND " + ARGS, "LABEL hdt", "  COM32 hdt.c32",
                "LABEL chain", "  KERNEL chain.c32", "  APPEND hd0 0", "LABEL local", "  LOCALBOOT 0", "LABEL dash",
                "  KERNEL /k", "  APPEND " + ARGS, ""), out);
        assertNull(KeptConfigs.isolinuxText(out.substring(out.indexOf('\n') + 1), ARGS, false),
                "a second run changes nothing");
        // a global APPEND serves labels without their own
        assertEquals("APPEND quiet " + ARGS + "\nLABEL a\n  KERNEL /k\n",
                KeptConfigs.isolinuxText("APPEND quiet\nLABEL a\n  KERNEL /k\n", ARGS, false));
    }

    @Test
    void grubLinuxLinesGetTheArgumentsAndTheSerialTerminal() {
        String cfg = "set timeout=1\nmenuentry 'A' {\n\tlinux /k quiet\r\n\tinitrd /i\n}\n"
                + "menuentry \"B\" { linux /k2 }\nmenuentry C { chainloader +1 }\n";
        String out = grub(cfg, true);
        assertEquals(KeptConfigs.GRUB_SERIAL + "set timeout=1\nmenuentry 'A' {\n\tlinux /k quiet " + ARGS
                + "\r\n\tinitrd /i\n}\nmenuentry \"B\" { linux /k2 " + ARGS + " }\nmenuentry C { chainloader +1 }\n",
                out);
        assertNull(grub("menuentry C { chainloader +1 }\n", true), "no Linux entry: left alone");
        assertEquals("serial --unit=1\n" + "menuentry A {\n linux /k " + ARGS + "\n}\n",
                grub("serial --unit=1\nmenuentry A {\n linux /k\n}\n", true), "an existing serial setup stays");
        assertEquals("options quiet\nlinux /k\noptions " + ARGS + "\n",
                KeptConfigs.systemdBootText("options quiet\nlinux /k", ARGS));
        assertNull(KeptConfigs.systemdBootText("title x\nefi /x.efi\n", ARGS));
    }

    private static String grub(String text, boolean serial) {
        try {
            java.lang.reflect.Constructor<KeptConfigs> c = KeptConfigs.class.getDeclaredConstructor(String.class,
                    boolean.class);
            c.setAccessible(true);
            return c.newInstance(ARGS, serial).grub(text);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** An ISOLINUX CD (menu in an INCLUDEd file) with an EFI image holding systemd-boot entries and a grub.cfg. */
    private static Path isolinuxSource(Path dir, boolean hybrid) throws Exception {
        return isolinuxSource(dir, hybrid, "menuentry Live {\n  linux /boot/bzImage root=LABEL=NIXOS_ISO\n}\n");
    }

    private static Path isolinuxSource(Path dir, boolean hybrid, String efiGrubCfg) throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy", "mmd");
        Path tree = SourceIsos.nixosTree(dir, false);
        Files.createDirectories(tree.resolve("isolinux"));
        Files.copy(Path.of("/usr/lib/ISOLINUX/isolinux.bin"), tree.resolve("isolinux/isolinux.bin"));
        Files.copy(Path.of("/usr/lib/syslinux/modules/bios/ldlinux.c32"), tree.resolve("isolinux/ldlinux.c32"));
        Files.writeString(tree.resolve("isolinux/isolinux.cfg"), "DEFAULT live\nTIMEOUT 10\nINCLUDE txt.cfg\n");
        Files.writeString(tree.resolve("isolinux/txt.cfg"), "LABEL live\n  KERNEL /boot/bzImage\n"
                + "  APPEND initrd=/boot/initrd root=LABEL=NIXOS_ISO\nLABEL hdt\n  COM32 hdt.c32\n");
        Path entry = dir.resolve("live.conf");
        Files.writeString(entry, "title Live\nlinux /boot/bzImage\ninitrd /boot/initrd\noptions root=LABEL=NIXOS_ISO\n");
        Path grub = dir.resolve("grub.cfg");
        Files.writeString(grub, efiGrubCfg);
        Path efi = SourceIsos.efiImage(dir, "efi.img", new String[][] {{"/loader/entries/live.conf", entry.toString()},
            {"/EFI/BOOT/grub.cfg", grub.toString()}});
        Files.copy(efi, tree.resolve("boot/efi.img"));
        Files.createDirectories(tree.resolve("boot/grub"));
        Files.writeString(tree.resolve("boot/grub/grub.cfg"), "menuentry Live {\n  linux /boot/bzImage quiet\n}\n");
        SourceIsos.touchAll(tree);
        Path iso = dir.resolve(hybrid ? "hybrid.iso" : "cd.iso");
        List<String> cmd = HostTools.list("xorriso", "-as", "mkisofs", "-quiet", "-o", iso.toString(), "-V",
                "NIXOS_ISO", "-R", "-J", "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat", "-no-emul-boot",
                "-boot-load-size", "4", "-boot-info-table", "-eltorito-alt-boot", "-e", "boot/efi.img",
                "-no-emul-boot");
        if (hybrid) {
            cmd.addAll(List.of("-isohybrid-mbr", "/usr/lib/ISOLINUX/isohdpfx.bin", "-isohybrid-gpt-basdat"));
        }
        cmd.add(tree.toString());
        HostTools.run(cmd.toArray(new String[0]));
        return iso;
    }

    private static String fatFile(Path iso, String path, Path dir) throws Exception {
        Path img = dir.resolve("out-efi.img");
        Files.deleteIfExists(img);
        HostTools.run("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", "/boot/efi.img",
                img.toString());
        HostTools.run("fsck.fat", "-n", img.toString());
        return HostTools.run("mtype", "-i", img.toString(), "::" + path);
    }

    @Test
    void keptIsolinuxGrubAndSystemdBootConfigsGetTheOptions() throws Exception {
        HostTools.require("xorriso", "mtype", "fsck.fat");
        for (boolean hybrid : new boolean[] {false, true}) {
            Path dir = HostTools.workDir("kept-configs-" + hybrid);
            Path source = isolinuxSource(dir, hybrid);
            String sourceHash = Sha256File.sha256(source);
            RecordingLog log = new RecordingLog();
            Path out = dir.resolve("usb.iso");
            new Remaster(log).run(RemasterOptions.of(source, out).withKernelArgs(ARGS).withSerial(true));
            String main = IsoFiles.extractText(out, "/isolinux/isolinux.cfg", dir.resolve("isolinux.cfg"));
            String txt = IsoFiles.extractText(out, "/isolinux/txt.cfg", dir.resolve("txt.cfg"));
            assertTrue(main.startsWith("SERIAL 0 115200\n"), main);
            assertTrue(txt.contains("APPEND initrd=/boot/initrd root=LABEL=NIXOS_ISO " + ARGS + "\n")
                    && txt.contains("COM32 hdt.c32\n") && !txt.contains("hdt.c32 " + ARGS), txt);
            assertTrue(IsoFiles.extractText(out, "/boot/grub/grub.cfg", dir.resolve("grub.cfg")).contains("linux /boot/bzImage quiet "
                    + ARGS));
            assertTrue(fatFile(out, "/loader/entries/live.conf", dir).contains("options " + ARGS));
            String efiGrub = fatFile(out, "/EFI/BOOT/grub.cfg", dir);
            assertTrue(efiGrub.startsWith("serial --unit=0") && efiGrub.contains("root=LABEL=NIXOS_ISO " + ARGS),
                    efiGrub);
            assertTrue(log.has("Kept boot configs get kernelArgs '" + ARGS + "' and serial: "), log.lines.toString());
            assertTrue(log.has("the El Torito EFI image!/loader/entries/live.conf"), log.lines.toString());
            assertEquals(sourceHash, Sha256File.sha256(source), "the source is never modified");

            // control: without the options, the kept files are the source's bytes and nothing else changed
            Path plain = dir.resolve("plain.iso");
            RemasterResult plainResult = new Remaster(new RecordingLog()).run(RemasterOptions.of(source, plain));
            for (String f : List.of("/isolinux/isolinux.cfg", "/isolinux/txt.cfg", "/boot/grub/grub.cfg",
                    "/boot/efi.img")) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(
                        IsoFiles.extract(source, f, dir.resolve("source-file")),
                        IsoFiles.extract(plain, f, dir.resolve("plain-file")), f + " is the source's, byte for byte");
            }
            if (hybrid) {
                // the source already boots from a stick: copied whole, its own layout and all
                assertEquals(RemasterPlan.Route.COPY, plainResult.route());
                assertEquals(sourceHash, Sha256File.sha256(plain), "the hybrid source is copied byte for byte");
                // with the options, it keeps its layout: the same MBR partitions (type and start), the same GPT
                assertEquals(mbrPartitions(source), mbrPartitions(out), "the hybrid source's MBR partitions");
                assertEquals(List.of(), org.nixusb.testing.SgdiskReport.added(source, out));
            }
        }
    }

    /**
     * A config in the EFI image whose clusters are full cannot take the arguments in place: it is left as it is, the
     * log says so and names the cure, and the EFI image stays the source's bytes; the tree's configs still get them.
     */
    @Test
    void aConfigThatWouldOutgrowItsClustersIsLeftWithAWarning() throws Exception {
        HostTools.require("xorriso", "mtype", "fsck.fat");
        Path dir = HostTools.workDir("kept-configs-full-cluster");
        StringBuilder cfg = new StringBuilder("menuentry Live {\n  linux /boot/bzImage root=LABEL=NIXOS_ISO\n}\n");
        while (cfg.length() < 4096) {
            cfg.append('#');
        }
        cfg.setLength(4095);
        cfg.append('\n'); // 4096 bytes: whole clusters for every cluster size up to 4 KiB, no byte to spare
        Path source = isolinuxSource(dir, false, cfg.toString());
        RecordingLog log = new RecordingLog();
        Path out = dir.resolve("usb.iso");
        new Remaster(log).run(RemasterOptions.of(source, out).withKernelArgs(ARGS));
        assertTrue(log.has("kernelArgs: the El Torito EFI image!/EFI/BOOT/grub.cfg would need more room than its "
                + "clusters have, and the EFI image is kept byte for byte otherwise; it is left as it is (efi=create "
                + "writes a new EFI image with them)"), log.lines.toString());
        assertEquals(cfg.toString(), fatFile(out, "/EFI/BOOT/grub.cfg", dir), "left as it is");
        assertTrue(fatFile(out, "/loader/entries/live.conf", dir).contains("options " + ARGS),
                "the entry beside it, which has room, gets them");
        assertTrue(IsoFiles.extractText(out, "/isolinux/txt.cfg", dir.resolve("txt.cfg")).contains(ARGS));
    }

    /** Each MBR partition entry's type and start sector, as read from the image's first sector. */
    private static List<String> mbrPartitions(Path image) throws Exception {
        byte[] mbr = new byte[512];
        try (var in = Files.newInputStream(image)) {
            assertEquals(512, in.readNBytes(mbr, 0, 512));
        }
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int e = 446 + 16 * i;
            long start = (mbr[e + 8] & 0xFFL) | (mbr[e + 9] & 0xFFL) << 8 | (mbr[e + 10] & 0xFFL) << 16
                    | (mbr[e + 11] & 0xFFL) << 24;
            out.add(String.format("type %02x start %d", mbr[e + 4] & 0xFF, start));
        }
        return out;
    }
}
