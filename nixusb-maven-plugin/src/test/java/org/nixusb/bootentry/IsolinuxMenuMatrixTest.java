package org.nixusb.bootentry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nixusb.grub.GrubConfig;
import org.nixusb.testing.HostTools;

/**
 * A generated matrix of ISOLINUX configs, 256 of them: every combination of eight features (the menu in an
 * INCLUDEd file; a CONFIG that moves to another file and directory; relative kernel and initrd paths; two
 * initrds in {@code initrd=a,b} or an INITRD line; COM32 and LOCALBOOT labels first; a MENU BEGIN submenu; a
 * hidden label; the default by MENU DEFAULT rather than DEFAULT). The generator writes down the GRUB menu each
 * must produce (titles, kernels, initrds, command lines, default, timeout) without the reader; the reader must
 * find exactly that, GRUB's own {@code grub-script-check} must accept the rendered config, and reading the
 * rendered config back with the GRUB reader must give the same entries and default.
 */
class IsolinuxMenuMatrixTest {

    /** One expected entry. */
    private record Want(String title, String kernel, List<String> initrds, String options) {
    }

    /** A generated case: its files, the config's path, and the GRUB menu it must produce. */
    private record Case(int features, Map<String, String> files, String config, List<Want> entries, int defaultIndex,
            int timeout) {
    }

    private static boolean on(int features, int bit) {
        return (features & (1 << bit)) != 0;
    }

    private static Case generate(int f) {
        boolean include = on(f, 0);
        boolean config = on(f, 1);
        boolean relative = on(f, 2);
        boolean initrdLine = on(f, 3);
        boolean others = on(f, 4);
        boolean submenu = on(f, 5);
        boolean hidden = on(f, 6);
        boolean menuDefault = on(f, 7);
        String dir = config ? "/boot/menu" : "/isolinux";
        String kernelDir = relative ? "../kernels" : "/boot/kernels";
        String kernelAbs = (relative ? dir.substring(0, dir.lastIndexOf('/')) : "/boot") + "/kernels";
        StringBuilder menu = new StringBuilder();
        List<Want> want = new ArrayList<>();
        if (others) {
            menu.append("LABEL hdt\n  MENU LABEL ^Hardware Detection Tool\n  COM32 hdt.c32\n");
            menu.append("LABEL local\n  MENU LABEL Boot from the hard disk\n  LOCALBOOT 0x80\n");
        }
        menu.append("LABEL live\n  MENU LABEL ^Live system (case ").append(f).append(")\n");
        menu.append("  KERNEL ").append(kernelDir).append("/vmlinuz\n");
        if (initrdLine) {
            menu.append("  INITRD ").append(kernelDir).append("/initrd.img,").append(kernelDir).append("/extra.img\n");
            menu.append("  APPEND boot=live quiet\n");
        } else {
            menu.append("  APPEND initrd=").append(kernelDir).append("/initrd.img,").append(kernelDir)
                    .append("/extra.img boot=live quiet\n");
        }
        want.add(new Want("Live system (case " + f + ")", kernelAbs + "/vmlinuz", List.of(kernelAbs + "/initrd.img",
                kernelAbs + "/extra.img"), "boot=live quiet"));
        if (submenu) {
            menu.append("MENU BEGIN more\n  MENU TITLE More options\n");
        }
        menu.append("LABEL safe\n  MENU LABEL Live (safe mode)\n  LINUX ").append(kernelDir).append("/vmlinuz\n");
        menu.append("  APPEND initrd=").append(kernelDir).append("/initrd.img nomodeset\n");
        if (menuDefault) {
            menu.append("  MENU DEFAULT\n");
        }
        if (submenu) {
            menu.append("MENU END\n");
        }
        want.add(new Want((submenu ? "More options > " : "") + "Live (safe mode)", kernelAbs + "/vmlinuz",
                List.of(kernelAbs + "/initrd.img"), "nomodeset"));
        if (hidden) {
            menu.append("LABEL secret\n  MENU HIDE\n  KERNEL /boot/kernels/vmlinuz\n  APPEND secret\n");
        }
        menu.append("TEXT HELP\n  LABEL inside-help\n  KERNEL /never\nENDTEXT\n");
        Map<String, String> files = new HashMap<>();
        String main = (menuDefault ? "" : "DEFAULT safe\n") + "TIMEOUT 25\n";
        String menuFile = dir + "/menu.cfg";
        String body = include ? main + "INCLUDE menu.cfg\n" : main + menu;
        if (include) {
            files.put(menuFile, menu.toString());
        }
        if (config) {
            files.put("/isolinux/isolinux.cfg", "# go elsewhere\nCONFIG /boot/menu/real.cfg /boot/menu\n"
                    + "LABEL never\n  KERNEL /never\n");
            files.put("/boot/menu/real.cfg", body);
        } else {
            files.put("/isolinux/isolinux.cfg", body);
        }
        // MENU DEFAULT inside a submenu is that submenu's: the menu then starts on its first entry
        return new Case(f, files, "/isolinux/isolinux.cfg", want, menuDefault && submenu ? 0 : 1, 3);
    }

    @Test
    void everyCombinationGivesTheGrubMenuItMust() throws Exception {
        HostTools.require("grub-script-check");
        Path dir = HostTools.workDir("isolinux-menu-matrix");
        List<String> problems = new ArrayList<>();
        for (int f = 0; f < 256; f++) {
            Case c = generate(f);
            SyslinuxConfigReader.Result r = SyslinuxConfigReader.read(c.files().get(c.config()), c.config(),
                    c.files()::get, "case-" + f);
            List<Want> got = r.menu().entries().stream().map(e -> new Want(e.title(), e.kernel(), e.initrds(),
                    e.options())).toList();
            if (!got.equals(c.entries())) {
                problems.add("case " + f + ": entries " + got + ", want " + c.entries());
                continue;
            }
            int def = r.menu().entries().indexOf(r.menu().defaultEntry());
            if (def != c.defaultIndex() || r.menu().timeoutSeconds() != c.timeout()) {
                problems.add("case " + f + ": default " + def + " timeout " + r.menu().timeoutSeconds());
                continue;
            }
            String grub = new GrubConfig(false, null).render(r.menu(), "NIXOS_ISO", "case-" + f);
            Path cfg = dir.resolve("case-" + f + ".cfg");
            Files.writeString(cfg, grub);
            String check = HostTools.runAllowingFailure("grub-script-check", cfg.toString());
            if (!check.isBlank()) {
                problems.add("case " + f + ": grub-script-check: " + check);
            }
            GrubConfigReader back = new GrubConfigReader();
            BootMenu again = back.parse(grub, "/boot/grub/grub.cfg", "case-" + f);
            List<Want> read = again.entries().stream().map(e -> new Want(e.title(), e.kernel(), e.initrds(),
                    e.options())).toList();
            if (!read.equals(c.entries()) || again.entries().indexOf(again.defaultEntry()) != c.defaultIndex()
                    || again.timeoutSeconds() != c.timeout()) {
                problems.add("case " + f + ": the GRUB menu reads back as " + read + ", default "
                        + again.defaultId() + ", timeout " + again.timeoutSeconds());
            }
        }
        assertEquals(List.of(), problems);
    }
}
