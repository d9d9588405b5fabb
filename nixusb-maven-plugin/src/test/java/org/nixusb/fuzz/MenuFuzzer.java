package org.nixusb.fuzz;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.GrubConfigReader;
import org.nixusb.bootentry.SystemdBootReader;
import org.nixusb.syslinux.MenuUi;
import org.nixusb.syslinux.SyslinuxConfig;
import org.nixusb.bootentry.SyslinuxConfigReader;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * The boot menu readers (systemd-boot entries and loader.conf, GRUB's grub.cfg, syslinux.cfg) on
 * arbitrary text, and the syslinux writer on whatever menu they accept. Readers warn and skip what they
 * cannot use; no exception may come out.
 */
public final class MenuFuzzer {
    private MenuFuzzer() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 2);
        String text = data.consumeRemainingAsString();
        BootMenu menu = null;
        switch (which) {
            case 0 -> {
                Map<String, String> entries = new LinkedHashMap<>();
                String[] parts = text.split("\u0000", 3);
                entries.put("a.conf", parts[0]);
                if (parts.length > 1) {
                    entries.put("b.conf", parts[1]);
                }
                menu = new SystemdBootReader().parse(entries, parts.length > 2 ? parts[2] : null, "fuzz");
            }
            // a config that sources itself: nesting is bounded
            case 1 -> menu = new GrubConfigReader(p -> true, p -> text).parse(text, "/boot/grub/grub.cfg", "fuzz");
            // a config that includes itself and restarts with itself: bounded
            default -> SyslinuxConfigReader.read(text, "/isolinux/isolinux.cfg", p -> text, "fuzz");
        }
        if (menu != null && !menu.entries().isEmpty()) {
            new SyslinuxConfig(MenuUi.MENU, true, "console=ttyS0", "FUZZ").render(menu, "fuzz");
        }
    }
}
