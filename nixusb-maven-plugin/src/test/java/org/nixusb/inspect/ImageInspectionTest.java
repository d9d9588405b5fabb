package org.nixusb.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.CheckedRemaster;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/** inspect tells a CD-only source from its remastered image, with reasons. */
class ImageInspectionTest {
    @Test
    @SuppressWarnings("unchecked")
    void reportsWhereEachImageBootsAndWhy() throws Exception {
        HostTools.require("python3");
        Path dir = HostTools.workDir("inspect");
        // a PE program's headers, x64, as the loader
        Path source = SourceIsos.withEfiImage(dir, org.nixusb.testing.MadeUpKernels.peProgram(0x8664));
        Path out = dir.resolve("usb.iso");
        CheckedRemaster.run(RemasterOptions.of(source, out));

        Map<String, Object> src = ImageInspection.inspect(source);
        Map<String, Object> boots = (Map<String, Object>) src.get("boots");
        assertEquals("no", ((Map<String, Object>) boots.get("bios-usb")).get("boots"));
        assertEquals("yes", ((Map<String, Object>) boots.get("bios-cdrom")).get("boots"));
        assertEquals("yes", ((Map<String, Object>) boots.get("uefi-cdrom")).get("boots"));
        assertEquals("no", ((Map<String, Object>) boots.get("uefi-usb")).get("boots"));
        assertTrue(((String) ((Map<String, Object>) boots.get("bios-usb")).get("reason")).contains("no MBR"));

        Map<String, Object> o = ImageInspection.inspect(out);
        boots = (Map<String, Object>) o.get("boots");
        for (String mode : List.of("bios-usb", "bios-cdrom", "uefi-usb", "uefi-cdrom")) {
            assertEquals("yes", ((Map<String, Object>) boots.get(mode)).get("boots"), mode + ": " + boots.get(mode));
        }
        assertTrue(((String) o.get("syslinux")).startsWith("ISOLINUX 6."), String.valueOf(o.get("syslinux")));
        String text = ImageInspection.text(o);
        assertTrue(text.contains("isolinux (/isolinux/syslinux.cfg)") && text.contains("systemd-boot (/loader/entries)")
                && text.contains("boot info table valid") && text.contains("isohybrid"), text);
        // the JSON parses (python's json module, an independent parser) and says the same
        Path json = dir.resolve("report.json");
        Files.writeString(json, ImageInspection.json(o));
        String py = HostTools.run("python3", "-c", "import json,sys; r=json.load(open(sys.argv[1])); "
                + "print(r['volumeId'], r['boots']['uefi-usb']['boots'], len(r['elTorito']))", json.toString());
        assertEquals("NIXOS_ISO yes 2", py.strip());
        assertTrue(text.contains("loader  x64      EFI image 1:/EFI/BOOT/BOOTX64.EFI (machine 0x8664)"), text);

        // control: a BOOTX64.EFI that is no PE program boots nothing, and the report says why
        Path dir2 = HostTools.workDir("inspect-not-pe");
        Path notPe = SourceIsos.withEfiImage(dir2, "efi".getBytes(StandardCharsets.US_ASCII));
        Map<String, Object> n = ImageInspection.inspect(notPe);
        Map<String, Object> cd = (Map<String, Object>) ((Map<String, Object>) n.get("boots")).get("uefi-cdrom");
        assertEquals("no", cd.get("boots"), cd.toString());
        assertTrue(ImageInspection.text(n).contains("loader  unknown  EFI image 1:/EFI/BOOT/BOOTX64.EFI (not a PE image)"),
                ImageInspection.text(n));
    }

    @Test
    @SuppressWarnings("unchecked")
    void saysWhetherTheImageBootsAsAnIsoFileOnAMultiBootStick() throws Exception {
        Path dir = HostTools.workDir("inspect-loopback");
        Path tree = SourceIsos.nixosTree(dir.resolve("tree"), true);
        Path nixos = SourceIsos.genisoimage(dir, tree, "nixos.iso");
        Map<String, Object> l = (Map<String, Object>) ImageInspection.inspect(nixos).get("loopback");
        assertEquals(null, l.get("loopbackCfg"));
        assertEquals("NixOS stage 1", l.get("liveSystem"));
        assertTrue(((String) l.get("liveSystemReason")).startsWith("init=/nix/store/abc123-NixOS-Closure/init in entry"),
                l.toString());
        assertEquals("findiso=${iso_path}", l.get("isoFileArgument"));
        assertTrue(((String) l.get("verdict")).startsWith("no loopback.cfg; its initramfs (NixOS stage 1)"), l.toString());

        // its own loopback.cfg: said so
        Files.createDirectories(tree.resolve("boot/grub"));
        Files.writeString(tree.resolve("boot/grub/loopback.cfg"), "menuentry Live { linux /boot/bzImage }\n");
        Path withOwn = SourceIsos.genisoimage(dir, tree, "own.iso");
        Map<String, Object> o = ImageInspection.inspect(withOwn);
        l = (Map<String, Object>) o.get("loopback");
        assertEquals("/boot/grub/loopback.cfg", l.get("loopbackCfg"));
        assertTrue(ImageInspection.text(o).contains("As an ISO file on a multi-boot stick (GRUB loopback):\n  boots "
                + "from an ISO file through its own /boot/grub/loopback.cfg"), ImageInspection.text(o));

        // control: a menu that names no known live system
        Files.delete(tree.resolve("boot/grub/loopback.cfg"));
        try (var entries = Files.list(tree.resolve("loader/entries"))) {
            for (Path e : entries.toList()) {
                Files.writeString(e, Files.readString(e).replaceAll("init=\\S+", "vga=788"));
            }
        }
        l = (Map<String, Object>) ImageInspection.inspect(SourceIsos.genisoimage(dir, tree, "unknown.iso"))
                .get("loopback");
        assertEquals("unknown", l.get("liveSystem"));
        assertEquals(null, l.get("isoFileArgument"));
        assertTrue(((String) l.get("verdict")).startsWith("no loopback.cfg, and no argument is known"), l.toString());
    }
}
