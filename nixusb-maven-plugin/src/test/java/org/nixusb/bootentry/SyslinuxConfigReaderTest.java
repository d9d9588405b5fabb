package org.nixusb.bootentry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * ISOLINUX configs read as syslinux reads them: Debian's installer layout (isolinux.cfg INCLUDEs menu.cfg, which
 * INCLUDEs the text and graphical menus, with MENU BEGIN submenus, relative kernels and initrds, hotkey marks, a
 * vesamenu DEFAULT and hdt.c32), CONFIG with a directory change, global APPEND, INITRD lists, MENU HIDE and
 * MENU DEFAULT, TEXT HELP blocks, LOCALBOOT and the other kinds of image that are not Linux.
 */
class SyslinuxConfigReaderTest {

    private static SyslinuxConfigReader.Result read(Map<String, String> files, String path) {
        return SyslinuxConfigReader.read(files.get(path), path, files::get, "cd!" + path);
    }

    @Test
    void debianInstallerLayout() {
        Map<String, String> files = Map.of(
                "/isolinux/isolinux.cfg", """
                        # D-I config version 2.0
                        # search path for the c32 support libraries (libcom32, libutil etc.)
                        path
                        include menu.cfg
                        default vesamenu.c32
                        prompt 0
                        timeout 0
                        """,
                "/isolinux/menu.cfg", """
                        menu hshift 4
                        menu width 70

                        menu title Debian GNU/Linux installer menu (BIOS mode)
                        include stdmenu.cfg
                        include gtk.cfg
                        include txt.cfg
                        menu begin advanced
                        \tmenu label ^Advanced options
                        \tmenu title Advanced options
                        \tinclude stdmenu.cfg
                        \tlabel mainmenu
                        \t\tmenu label ^Back..
                        \t\tmenu exit
                        \tinclude adgtk.cfg
                        menu end
                        menu begin dark
                        \tmenu title Accessible dark contrast option
                        \tinclude drk.cfg
                        menu end
                        label help
                        \tmenu label ^Help
                        \ttext help
                           Display help screens; type 'menu' at boot prompt to return to this menu
                        \tendtext
                        \tconfig prompt.cfg
                        include rqtxt.cfg
                        label hdt
                        \tmenu label ^Hardware Detection Tool (HDT)
                        \tcom32 hdt.c32
                        """,
                "/isolinux/stdmenu.cfg", "menu background splash.png\nmenu color title * #FFFFFFFF *\n",
                "/isolinux/gtk.cfg", """
                        default installgui
                        label installgui
                        \tmenu label ^Graphical install
                        \tmenu default
                        \tkernel /install.amd/vmlinuz
                        \tappend vga=788 initrd=/install.amd/gtk/initrd.gz --- quiet
                        """,
                "/isolinux/txt.cfg", """
                        label install
                        \tmenu label ^Install
                        \tkernel /install.amd/vmlinuz
                        \tappend vga=788 initrd=/install.amd/initrd.gz --- quiet
                        """,
                "/isolinux/adgtk.cfg", """
                        label expertgui
                        \tmenu label Graphical e^xpert install
                        \tkernel /install.amd/vmlinuz
                        \tappend priority=low vga=788 initrd=/install.amd/gtk/initrd.gz ---
                        """,
                "/isolinux/drk.cfg", """
                        label installdark
                        default installdark
                        \tmenu label ^Install
                        \tmenu default
                        \tkernel /install.amd/vmlinuz
                        \tappend theme=dark initrd=/install.amd/initrd.gz --- quiet
                        """,
                "/isolinux/rqtxt.cfg", """
                        label rescue
                        \tmenu hide
                        \tkernel /install.amd/vmlinuz
                        \tappend rescue/enable=true initrd=/install.amd/initrd.gz --- quiet
                        """);
        SyslinuxConfigReader.Result r = read(files, "/isolinux/isolinux.cfg");
        assertEquals(List.of("Graphical install", "Install", "Advanced options > Graphical expert install",
                "Accessible dark contrast option > Install"), r.menu().entries().stream().map(BootEntry::title).toList());
        BootEntry gui = r.menu().entries().get(0);
        assertEquals("/install.amd/vmlinuz", gui.kernel());
        assertEquals(List.of("/install.amd/gtk/initrd.gz"), gui.initrds());
        assertEquals("vga=788 --- quiet", gui.options());
        assertEquals("installgui", r.menu().defaultId(), "gtk.cfg's MENU DEFAULT; drk.cfg's DEFAULT is overridden by "
                + "isolinux.cfg's later one (vesamenu.c32), and its MENU DEFAULT is its submenu's");
        assertEquals(-1, r.menu().timeoutSeconds(), "timeout 0 waits for the user");
        assertEquals(List.of("mainmenu", "help", "rescue", "hdt"), r.skipped().stream().map(
                SyslinuxConfigReader.Skipped::label).toList());
        assertTrue(r.skipped().get(3).why().contains("hdt.c32 is a com32"), r.skipped().toString());
        assertTrue(r.skipped().get(1).why().contains("another syslinux config (prompt.cfg)"), r.skipped().toString());
        assertTrue(r.skipped().get(2).why().contains("MENU HIDE"), r.skipped().toString());
        assertEquals(List.of("/isolinux/menu.cfg", "/isolinux/stdmenu.cfg", "/isolinux/gtk.cfg", "/isolinux/txt.cfg",
                "/isolinux/stdmenu.cfg", "/isolinux/adgtk.cfg", "/isolinux/drk.cfg", "/isolinux/rqtxt.cfg"), r.files());
    }

    @Test
    void configChangesDirectoryAndRelativePathsFollowIt() {
        Map<String, String> files = Map.of(
                "/isolinux/isolinux.cfg", "CONFIG /boot/live/live.cfg /boot/live\nLABEL never\n  KERNEL /never\n",
                "/boot/live/live.cfg", """
                        APPEND boot=live quiet
                        DEFAULT live
                        TIMEOUT 55
                        LABEL live
                          MENU LABEL Live (^default)
                          LINUX vmlinuz
                          INITRD initrd.img,../extra.img
                        LABEL failsafe
                          KERNEL ../live/vmlinuz noapic
                        LABEL own
                          KERNEL vmlinuz
                          APPEND -
                        LABEL memtest
                          KERNEL /boot/memtest86+.bin
                        LABEL disk
                          LOCALBOOT 0x80
                        LABEL pxe
                          KERNEL pxelinux.0
                        LABEL md
                          KERNEL memdisk
                          APPEND initrd=/floppy.img
                        """);
        SyslinuxConfigReader.Result r = read(files, "/isolinux/isolinux.cfg");
        List<BootEntry> e = r.menu().entries();
        assertEquals(List.of("live", "failsafe", "own"), e.stream().map(BootEntry::id).toList());
        assertEquals("Live (default)", e.get(0).title());
        assertEquals("/boot/live/vmlinuz", e.get(0).kernel());
        assertEquals(List.of("/boot/live/initrd.img", "/boot/extra.img"), e.get(0).initrds());
        assertEquals("boot=live quiet", e.get(0).options(), "the global APPEND");
        assertEquals("noapic", e.get(1).options(), "KERNEL's own command line");
        assertEquals("", e.get(2).options(), "APPEND - clears the global one");
        assertEquals(6, r.menu().timeoutSeconds());
        assertEquals(List.of("memtest", "disk", "pxe", "md"), r.skipped().stream().map(
                SyslinuxConfigReader.Skipped::label).toList());
        assertEquals(List.of("/boot/live/live.cfg"), r.files());
    }

    @Test
    void missingIncludesAreWarnedAndLoopsEnd() {
        Map<String, String> files = Map.of("/isolinux/isolinux.cfg",
                "INCLUDE nothere.cfg\nINCLUDE isolinux.cfg\nLABEL a\n  KERNEL /k\n");
        SyslinuxConfigReader.Result r = read(files, "/isolinux/isolinux.cfg");
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("INCLUDE nothere.cfg: no such file")), r.warnings()
                .toString());
        assertTrue(r.menu().entries().size() >= 1 && r.menu().entries().size() <= 64);
    }
}
