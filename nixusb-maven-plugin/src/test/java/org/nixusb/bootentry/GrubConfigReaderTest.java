package org.nixusb.bootentry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

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

    private static GrubConfigReader onMedium(Map<String, String> files, String... otherFiles) {
        Set<String> present = new java.util.HashSet<>(files.keySet());
        present.addAll(List.of(otherFiles));
        return new GrubConfigReader(present::contains, files::get);
    }

    /** live-build's layout (lb config --bootloaders grub-pc,grub-efi): grub.cfg sources config.cfg and theme.cfg. */
    @Test
    void liveBuildMenuWithSourcedConfigAndUnsetIsoPath() {
        String kernel = "/live/vmlinuz-6.1.0-13-amd64";
        Map<String, String> files = Map.of("/boot/grub/config.cfg", """
                set default=0

                loadfont $prefix/dejavu-bold-16.pf2
                loadfont $prefix/dejavu-bold-14.pf2
                loadfont $prefix/unicode.pf2
                set gfxmode=auto
                insmod all_video
                insmod gfxterm
                insmod png

                set color_normal=light-gray/black
                set color_highlight=white/black

                if [ -e /isolinux/splash.png ]; then
                    # binary_syslinux modifies the theme file to point to the correct
                    # background picture
                    set theme=/boot/grub/live-theme/theme.txt
                elif [ -e /boot/grub/splash.png ]; then
                    set theme=/boot/grub/live-theme/theme.txt
                else
                    set menu_color_normal=cyan/blue
                    set menu_color_highlight=white/blue
                fi

                terminal_output gfxterm

                insmod play
                play 960 440 1 0 4 440 1

                set timeout=1
                """, "/boot/grub/theme.cfg", "set color_normal=light-gray/black\nset theme=/boot/grub/live-theme/theme.txt\n",
                "/boot/grub/grub.cfg", """
                source /boot/grub/config.cfg

                # Live boot
                menuentry "Live system (amd64)" --hotkey=l {
                	linux	%1$s boot=live components quiet splash findiso=${iso_path}
                	initrd	/live/initrd.img-6.1.0-13-amd64
                }
                menuentry "Live system (amd64 fail-safe mode)" {
                	linux	%1$s boot=live components memtest noapic noapm nodma nomce nolapic nosmp nosplash vga=788
                	initrd	/live/initrd.img-6.1.0-13-amd64
                }

                submenu 'Advanced options...' --hotkey=a {
                	source /boot/grub/theme.cfg
                	menuentry "Memory Diagnostic Tool (memtest86+x64.bin)" --hotkey=m {
                		linux16	/live/memtest86+x64.bin
                	}
                	if [ "${grub_platform}" = "efi" ]; then
                		menuentry "UEFI Firmware Settings" --hotkey=f {
                			fwsetup
                		}
                	fi
                }
                """.formatted(kernel));
        GrubConfigReader r = onMedium(files, "/isolinux/splash.png", kernel);
        BootMenu m = r.parse(files.get("/boot/grub/grub.cfg"), "/boot/grub/grub.cfg", "live.iso!/boot/grub/grub.cfg");
        assertEquals(List.of("Live system (amd64)", "Live system (amd64 fail-safe mode)",
                "Advanced options... > Memory Diagnostic Tool (memtest86+x64.bin)"),
                m.entries().stream().map(BootEntry::title).toList());
        BootEntry live = m.entries().get(0);
        assertEquals(kernel, live.kernel());
        assertEquals("boot=live components quiet splash findiso=", live.options(),
                "GRUB expands the unset ${iso_path} to nothing");
        assertEquals(List.of("/live/initrd.img-6.1.0-13-amd64"), live.initrds());
        assertFalse(m.entries().stream().anyMatch(e -> e.options().contains("$")), "no $ GRUB would expand");
        assertEquals(1, m.timeoutSeconds(), "set timeout=1 in the sourced config.cfg");
        assertEquals(live.id(), m.defaultId());
        assertEquals("live.iso!/boot/grub/grub.cfg", live.origin());
        assertFalse(r.warnings().stream().anyMatch(w -> w.contains("Live system") || w.contains("config.cfg")),
                r.warnings().toString());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("'Advanced options... > UEFI Firmware Settings'")
                && w.contains("/boot/grub/grub.cfg:19") && w.contains("defined inside an 'if' at live.iso!/boot/grub/grub.cfg:18")),
                r.warnings().toString());

        // control: without the medium's files, the sourced settings are not read
        BootMenu blind = new GrubConfigReader().parse(files.get("/boot/grub/grub.cfg"), "/boot/grub/grub.cfg", "x");
        assertEquals(5, blind.timeoutSeconds());
    }

    /** Debian's installer menu: options before titles, bare assignments, font tests GRUB alone can decide. */
    @Test
    void debianInstallerHotkeysBeforeTitles() {
        String cfg = """
                if [ x$feature_default_font_path = xy ] ; then
                   font=unicode
                else
                   font=$prefix/font.pf2
                fi

                if loadfont $font ; then
                  set gfxmode=800x600
                  set gfxpayload=keep
                  insmod efi_gop
                else
                  set gfxmode=auto
                  insmod all_video
                fi
                insmod gfxterm
                terminal_output gfxterm

                menuentry --hotkey=g 'Graphical install' {
                    set background_color=black
                    linux    /install.amd/vmlinuz vga=788 --- quiet
                    initrd   /install.amd/gtk/initrd.gz
                }
                menuentry --hotkey=i 'Install' {
                    set background_color=black
                    linux    /install.amd/vmlinuz vga=788 --- quiet
                    initrd   /install.amd/initrd.gz
                }
                submenu --hotkey=a 'Advanced options ...' {
                    set menu_color_normal=cyan/blue
                    menuentry '... Graphical expert install' {
                        linux    /install.amd/vmlinuz priority=low vga=788 ---
                        initrd   /install.amd/gtk/initrd.gz
                    }
                    menuentry --hotkey=x '... Expert install' --class debian {
                        linux    /install.amd/vmlinuz priority=low vga=788 ---
                        initrd   /install.amd/initrd.gz
                    }
                }
                """;
        GrubConfigReader r = new GrubConfigReader();
        BootMenu m = r.parse(cfg, "/boot/grub/grub.cfg", "netinst.iso!/boot/grub/grub.cfg");
        assertEquals(List.of("Graphical install", "Install", "Advanced options ... > ... Graphical expert install",
                "Advanced options ... > ... Expert install"), m.entries().stream().map(BootEntry::title).toList());
        assertEquals("vga=788 --- quiet", m.entries().get(0).options());
        assertEquals("priority=low vga=788 ---", m.entries().get(3).options());
        assertEquals(List.of("/install.amd/initrd.gz"), m.entries().get(3).initrds());
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    }

    /** Ubuntu's casper menu and its loopback.cfg, which sources nothing and names ${iso_path}. */
    @Test
    void ubuntuCasperMenuAndLoopback() {
        String grub = """
                set timeout=30

                loadfont unicode

                set menu_color_normal=white/black
                set menu_color_highlight=black/light-gray

                menuentry "Try or Install Ubuntu" --hotkey=t {
                	set gfxpayload=keep
                	linux	/casper/vmlinuz  --- quiet splash
                	initrd	/casper/initrd
                }
                menuentry "Ubuntu (safe graphics)" {
                	set gfxpayload=keep
                	linux	/casper/vmlinuz  nomodeset  --- quiet splash
                	initrd	/casper/initrd
                }
                grub_platform
                if [ "$grub_platform" = "efi" ]; then
                menuentry 'Boot from next volume' {
                	exit 1
                }
                menuentry 'UEFI Firmware Settings' {
                	fwsetup
                }
                else
                menuentry 'Test memory' {
                	linux16 /boot/memtest86+x64.bin
                }
                fi
                """;
        GrubConfigReader r = new GrubConfigReader();
        BootMenu m = r.parse(grub, "/boot/grub/grub.cfg", "ubuntu.iso!/boot/grub/grub.cfg");
        assertEquals(List.of("Try or Install Ubuntu", "Ubuntu (safe graphics)"),
                m.entries().stream().map(BootEntry::title).toList());
        assertEquals("--- quiet splash", m.entries().get(0).options());
        assertEquals(30, m.timeoutSeconds());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("'Test memory' is defined inside an 'if' at "
                + "ubuntu.iso!/boot/grub/grub.cfg:19") && w.contains("$grub_platform".replace("$", "${") + "}")),
                r.warnings().toString());

        BootMenu loop = new GrubConfigReader().parse("""
                menuentry "Try or Install Ubuntu" {
                	set gfxpayload=keep
                	linux	/casper/vmlinuz  iso-scan/filename=${iso_path} --- quiet splash
                	initrd	/casper/initrd
                }
                """, "/boot/grub/loopback.cfg", "ubuntu.iso!/boot/grub/loopback.cfg");
        assertEquals("iso-scan/filename= --- quiet splash", loop.entries().get(0).options());
    }

    /** Fedora's EFI menu: search --set=root by label, linuxefi/initrdefi, a label kept in a variable. */
    @Test
    void fedoraSearchRootAndLabelVariable() {
        String cfg = """
                set default="1"

                function load_video {
                  insmod all_video
                }

                load_video
                set gfxpayload=keep
                insmod gzio
                set isolabel='Fedora-WS-Live-39-1-5'
                set timeout=60
                ### END /etc/grub.d/00_header ###

                search --no-floppy --set=root -l "${isolabel}"

                ### BEGIN /etc/grub.d/10_linux ###
                menuentry 'Start Fedora-Workstation-Live 39' --class fedora --class gnu-linux --class gnu --class os {
                	linuxefi /images/pxeboot/vmlinuz root=live:CDLABEL=${isolabel}  rd.live.image quiet rhgb
                	initrdefi /images/pxeboot/initrd.img
                }
                menuentry 'Test this media & start Fedora-Workstation-Live 39' --class fedora --class os {
                	linuxefi ($root)/images/pxeboot/vmlinuz root=live:CDLABEL=${isolabel}  rd.live.image rd.live.check quiet
                	initrdefi ($root)/images/pxeboot/initrd.img
                }
                submenu 'Troubleshooting -->' {
                	menuentry 'Start Fedora-Workstation-Live 39 in basic graphics mode' --class fedora {
                		linuxefi /images/pxeboot/vmlinuz root=live:CDLABEL=${isolabel}  rd.live.image nomodeset quiet rhgb
                		initrdefi /images/pxeboot/initrd.img
                	}
                	menuentry 'Boot first drive' --class fedora {
                		chainloader (hd0)+1
                	}
                }
                """;
        GrubConfigReader r = new GrubConfigReader();
        BootMenu m = r.parse(cfg, "/EFI/BOOT/grub.cfg", "fedora.iso!/EFI/BOOT/grub.cfg");
        assertEquals(3, m.entries().size(), m.entries().toString());
        BootEntry check = m.entries().get(1);
        assertEquals("/images/pxeboot/vmlinuz", check.kernel());
        assertEquals(List.of("/images/pxeboot/initrd.img"), check.initrds());
        assertEquals("root=live:CDLABEL=Fedora-WS-Live-39-1-5 rd.live.image rd.live.check quiet", check.options());
        assertEquals(check.id(), m.defaultId(), "default=1 is the second item");
        assertEquals("Troubleshooting --> > Start Fedora-Workstation-Live 39 in basic graphics mode",
                m.entries().get(2).title());
    }

    /** What cannot be decided is said, with file, line and entry, and the entry is left out; what can, is used. */
    @Test
    void undecidableValuesLeaveTheirEntriesOut() {
        String cfg = """
                if loadfont unicode; then
                  set opts="quiet splash"
                fi
                if [ -e /live/filesystem.squashfs ]; then
                  set medium=live
                else
                  set medium=none
                fi
                regexp --set=1:isodir '^(.*)/[^/]*$' "$iso_path"
                probe -s uuid --fs-uuid $root
                menuentry 'A' { linux /k boot=$medium $opts }
                menuentry 'B' { linux /k boot=$medium }
                menuentry 'C' { linux /k findiso=$isodir/x.iso }
                menuentry 'D' { linux /k root=UUID=$uuid }
                menuentry 'E' {
                  if [ "$grub_platform" = efi ]; then linux /kefi; else linux /kbios; fi
                }
                menuentry 'F' { set x="a b" ; linux /k "$x" 'lit$eral' \\$escaped ${unset}tail }
                """;
        GrubConfigReader r = onMedium(Map.of(), "/live/filesystem.squashfs");
        BootMenu m = r.parse(cfg, "/boot/grub/grub.cfg", "t.iso!/boot/grub/grub.cfg");
        assertEquals(List.of("B", "F"), m.entries().stream().map(BootEntry::title).toList(), r.warnings().toString());
        assertEquals("boot=live", m.entries().get(0).options(), "-e on the medium decides the if");
        assertEquals("a b lit$eral $escaped tail", m.entries().get(1).options());
        for (String[] w : new String[][] {{"'A'", ":11:", "${opts}"}, {"'C'", ":13:", "${isodir}"},
                {"'D'", ":14:", "${uuid}"}, {"'E'", ":15:", "cannot decide"}}) {
            assertTrue(r.warnings().stream().anyMatch(x -> x.contains(w[0]) && x.contains("t.iso!/boot/grub/grub.cfg"
                    + w[1]) && x.contains(w[2]) && x.contains("leaves it out")), w[0] + ": " + r.warnings());
        }
        // control: without the squashfs on the medium the other branch holds
        BootMenu none = onMedium(Map.of()).parse(cfg, "/boot/grub/grub.cfg", "t.iso!/boot/grub/grub.cfg");
        assertEquals("boot=none", none.entries().get(0).options());
    }

    /** Found by fuzzing: a submenu that sources the config defining it recursed without end. */
    @Test
    void aSubmenuThatSourcesItsOwnConfigEnds() {
        String cfg = "menuentry 'Live' { linux /k }\nsubmenu 'More' {\n  menuentry 'Debug' { linux /k debug }\n"
                + "  source /boot/grub/grub.cfg\n}\n";
        GrubConfigReader r = onMedium(Map.of("/boot/grub/grub.cfg", cfg));
        BootMenu m = r.parse(cfg, "/boot/grub/grub.cfg", "t!/boot/grub/grub.cfg");
        assertEquals("Live", m.entries().get(0).title());
        assertTrue(m.entries().size() > 2 && m.entries().size() < 64, m.entries().size() + " entries");
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("submenus nest deeper than")), r.warnings().toString());
    }

    /** Found by fuzzing: configfile inside a submenu escaped as an exception; the file's menu is the submenu's. */
    @Test
    void configfileInASubmenuFillsTheSubmenu() {
        String cfg = "set timeout=3\nmenuentry 'Live' { linux /k }\nsubmenu 'More' {\n  configfile /boot/grub/more.cfg\n"
                + "  menuentry 'Never' { linux /k never }\n}\n";
        String more = "set timeout=9\nmenuentry 'Debug' { linux /k debug }\n";
        GrubConfigReader r = onMedium(Map.of("/boot/grub/more.cfg", more));
        BootMenu m = r.parse(cfg, "/boot/grub/grub.cfg", "t!/boot/grub/grub.cfg");
        assertEquals(List.of("Live", "More > Debug"), m.entries().stream().map(BootEntry::title).toList());
        assertEquals("debug", m.entries().get(1).options());
        assertEquals(3, m.timeoutSeconds(), "the submenu's settings stay in the submenu");
    }

    /** Found by fuzzing: a word that starts with empty quotes before name=value. */
    @Test
    void quotedPrefixesAreNotAssignments() {
        GrubConfigReader r = new GrubConfigReader();
        BootMenu m = r.parse("''''default=1''x\ntimeout=3\n\"set\" timeout=9\nmenuentry A { linux /a }\n"
                + "menuentry B { linux /b }\n", null, "t");
        assertEquals(9, m.timeoutSeconds(), "a quoted \"set\" is still the set command, run after timeout=3");
        assertEquals("a", m.defaultId(), "''''default=1''x is a command named default=1x, not an assignment");
    }
}
