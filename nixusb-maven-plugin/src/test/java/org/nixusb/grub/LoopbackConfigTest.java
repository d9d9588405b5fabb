package org.nixusb.grub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.GrubConfigReader;
import org.nixusb.bootentry.LiveSystem;
import org.nixusb.bootentry.SyslinuxConfigReader;
import org.nixusb.bootentry.SystemdBootReader;
import org.nixusb.testing.HostTools;

/**
 * {@code loopback.cfg} over the menu kinds a source has (systemd-boot entries, a GRUB menu with variables, an
 * ISOLINUX menu with submenus) and the live systems' kinds: grub-script-check accepts every file, and nixusb's own
 * GRUB reader reads back the same entries (titles, kernels, initrds, arguments plus the one that finds the image
 * file) and the same default; no search or serial line overrides the host GRUB's root and terminal. The kind is
 * read from the arguments; a menu that names none gets no argument (and so no file).
 */
class LoopbackConfigTest {
    /** Each kind's root arguments, as its distributions' menus spell them. */
    private static final Map<LiveSystem, String> ARGS = new LinkedHashMap<>();

    static {
        ARGS.put(LiveSystem.DEBIAN_LIVE_BOOT, "boot=live components quiet splash");
        ARGS.put(LiveSystem.CASPER, "boot=casper quiet splash ---");
        ARGS.put(LiveSystem.DRACUT_LIVE, "root=live:CDLABEL=Fedora-WS-Live-41 rd.live.image quiet rhgb");
        ARGS.put(LiveSystem.NIXOS, "init=/nix/store/abc-nixos-system/init root=LABEL=NIXOS_ISO boot.shell_on_fail");
    }

    private static List<BootMenu> menus(String args) {
        SystemdBootReader sd = new SystemdBootReader();
        BootMenu systemd = sd.parse(Map.of("live.conf", "title Live system\nlinux /boot/bzImage\ninitrd /boot/initrd\n"
                + "options " + args + "\n", "safe.conf", "title Safe graphics\nlinux /boot/bzImage\ninitrd /boot/initrd\n"
                + "options " + args + " nomodeset\n"), "default safe.conf\ntimeout 4\n", "iso!/loader");
        BootMenu grub = new GrubConfigReader().parse("set kargs=\"" + args + "\"\nset default=1\nset timeout=5\n"
                + "menuentry 'Live ($kargs)' --id live {\n  linux /live/vmlinuz $kargs\n  initrd /live/initrd.img\n}\n"
                + "menuentry \"Live (fail-safe)\" --id failsafe {\n  linux /live/vmlinuz ${kargs} noapic\n"
                + "  initrd /live/initrd.img\n}\n", "iso!/boot/grub/grub.cfg");
        BootMenu isolinux = SyslinuxConfigReader.read("DEFAULT live\nTIMEOUT 30\nLABEL live\n  MENU LABEL Live\n"
                + "  KERNEL /casper/vmlinuz\n  APPEND initrd=/casper/initrd " + args + "\nMENU BEGIN advanced\n"
                + "  MENU TITLE Advanced options\n  LABEL safe\n    MENU LABEL Safe graphics\n"
                + "    KERNEL /casper/vmlinuz\n    APPEND initrd=/casper/initrd " + args + " nomodeset\n"
                + "  LABEL ram\n    MENU LABEL To RAM\n    KERNEL /casper/vmlinuz\n"
                + "    APPEND initrd=/casper/initrd " + args + " toram\nMENU END\n", "/isolinux/isolinux.cfg",
                f -> null, "iso!/isolinux/isolinux.cfg").menu();
        return List.of(systemd, grub, isolinux);
    }

    @Test
    void everyMenuKindAndLiveSystemReadsBackAsTheSameMenu() throws Exception {
        HostTools.require("grub-script-check");
        Path dir = HostTools.workDir("loopback-cfg");
        int n = 0;
        for (Map.Entry<LiveSystem, String> kind : ARGS.entrySet()) {
            for (BootMenu menu : menus(kind.getValue())) {
                assertTrue(menu.entries().size() >= 2, menu.toString());
                LiveSystem.Found found = LiveSystem.of(menu);
                assertEquals(kind.getKey(), found.kind(), found.reason());
                String arg = found.kind().isoFileArg();
                String cfg = new GrubConfig(false, null).forLoopback(arg).render(menu, "UNUSED", "iso!/menu");
                assertFalse(cfg.contains("search ") || cfg.contains("serial") || cfg.contains("UNUSED"), cfg);
                Path file = dir.resolve("loopback-" + n++ + ".cfg");
                Files.writeString(file, cfg);
                HostTools.run("grub-script-check", file.toString());

                GrubConfigReader reader = new GrubConfigReader();
                BootMenu back = reader.parse(cfg.replace("${iso_path}", "/isos/live image.iso"), "loopback.cfg");
                assertEquals(menu.entries().size(), back.entries().size(), cfg);
                for (int i = 0; i < menu.entries().size(); i++) {
                    BootEntry a = menu.entries().get(i);
                    BootEntry b = back.entries().get(i);
                    assertEquals(a.title(), b.title(), cfg);
                    assertEquals(a.kernel(), b.kernel(), cfg);
                    assertEquals(a.initrds(), b.initrds(), cfg);
                    String isoArg = arg.replace("${iso_path}", "/isos/live image.iso");
                    List<String> words = new java.util.ArrayList<>(List.of(a.options().split(" ")));
                    int marker = words.indexOf("---");
                    words.add(marker < 0 ? words.size() : marker, isoArg);
                    assertEquals(String.join(" ", words), b.options(), cfg);
                }
                assertEquals(menu.defaultEntry().title(), back.defaultEntry().title(), cfg);
            }
        }
    }

    @Test
    void aMenuThatNamesNoKnownLiveSystemGetsNoArgument() {
        BootMenu debianInstaller = new BootMenu(List.of(new BootEntry("install", "Install", "/install.amd/vmlinuz",
                List.of("/install.amd/initrd.gz"), "vga=788 --- quiet", "t")), "install", 0);
        LiveSystem.Found f = LiveSystem.of(debianInstaller);
        assertEquals(LiveSystem.UNKNOWN, f.kind());
        assertNull(f.kind().isoFileArg());
        assertTrue(f.reason().startsWith("no entry names boot=live"), f.reason());
        // the default entry decides first
        BootMenu mixed = new BootMenu(List.of(new BootEntry("a", "A", "/k", List.of(), "boot=casper", "t"),
                new BootEntry("b", "B", "/k", List.of(), "boot=live", "t")), "b", 0);
        assertEquals(new LiveSystem.Found(LiveSystem.DEBIAN_LIVE_BOOT, "boot=live in entry 'b'"), LiveSystem.of(mixed));
    }
}
