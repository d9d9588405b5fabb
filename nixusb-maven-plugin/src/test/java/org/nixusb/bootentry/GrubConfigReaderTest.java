package org.nixusb.bootentry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class GrubConfigReaderTest {
    @Test
    void readsMenuEntriesSubmenusDefaultAndTimeout() {
        GrubConfigReader r = new GrubConfigReader();
        BootMenu m = r.parse("""
                set timeout=10
                set default="1"
                serial --unit=0 --speed=115200
                menuentry "NixOS 14.12 Installer" --class installer {
                  linux (cd0)/boot/bzImage init=/nix/store/abc/init root=LABEL=NIXOS_ISO
                  initrd ($root)/boot/initrd /boot/extra.img
                }
                menuentry 'Debug ''mode' --id debug {
                  linux16 /boot//nix/store/k/bzImage debug
                  initrd16 ${root}/boot/initrd
                }
                submenu 'More' {
                  menuentry "Memtest" { linux /boot/memtest }
                  menuentry "Windows" {
                    chainloader +1
                  }
                }
                menuentry "Reboot" { reboot }
                """, "iso!/boot/grub/grub.cfg");
        assertEquals(List.of("nixos-14-12-installer", "debug", "more-memtest"),
                m.entries().stream().map(BootEntry::id).toList());
        BootEntry first = m.entries().get(0);
        assertEquals("/boot/bzImage", first.kernel());
        assertEquals(List.of("/boot/initrd", "/boot/extra.img"), first.initrds());
        assertEquals("init=/nix/store/abc/init root=LABEL=NIXOS_ISO", first.options());
        assertEquals("/boot/nix/store/k/bzImage", m.entries().get(1).kernel());
        assertEquals("Debug mode", m.entries().get(1).title());
        assertEquals("More > Memtest", m.entries().get(2).title());
        assertEquals("debug", m.defaultId());
        assertEquals(10, m.timeoutSeconds());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("'More > Windows' loads no Linux kernel")),
                r.warnings().toString());
    }

    @Test
    void waitingForeverAndDefaultByTitle() {
        BootMenu m = new GrubConfigReader().parse("set timeout=-1\nset default='B'\nmenuentry A { linux /a }\n"
                + "menuentry B { linux /b }\n", "t");
        assertEquals(-1, m.timeoutSeconds());
        assertEquals("b", m.defaultId());
    }
}
