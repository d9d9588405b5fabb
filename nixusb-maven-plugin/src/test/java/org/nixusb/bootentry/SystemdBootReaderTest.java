package org.nixusb.bootentry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class SystemdBootReaderTest {

    private static BootMenu parse(Map<String, String> files, String loader) {
        return new SystemdBootReader().parse(files, loader, "test");
    }

    @Test
    void readsTitleKernelRepeatedInitrdsAndOptions() {
        BootMenu m = parse(Map.of("nixos.conf", """
                # comment
                title   NixOS Live CD
                version 14.12
                linux /boot/bzImage
                initrd /boot/initrd
                initrd /boot/microcode.cpio
                options init=/nix/store/abc/init root=LABEL=NIXOS_ISO
                options  boot.shell_on_fail
                unknown-key is ignored
                """), null);
        BootEntry e = m.entries().get(0);
        assertEquals("nixos", e.id());
        assertEquals("NixOS Live CD", e.title());
        assertEquals("/boot/bzImage", e.kernel());
        assertEquals(List.of("/boot/initrd", "/boot/microcode.cpio"), e.initrds());
        assertEquals("init=/nix/store/abc/init root=LABEL=NIXOS_ISO boot.shell_on_fail", e.options());
    }

    @Test
    void defaultIsAGlobOnTheIdAndTimeoutIsInSeconds() {
        Map<String, String> files = new TreeMap<>();
        files.put("a-first.conf", "linux /a\n");
        files.put("nixos-generation-1.conf", "linux /g1\n");
        files.put("nixos-generation-2.conf", "linux /g2\n");
        BootMenu m = parse(files, "default nixos-generation-*\ntimeout 7\n");
        assertEquals("nixos-generation-2", m.defaultId());
        assertEquals(7, m.timeoutSeconds());
        assertEquals("a-first", parse(files, null).defaultId(), "no loader.conf: the first entry");
        assertEquals("a-first", parse(files, "default @saved\n").defaultId());
        assertEquals("nixos-generation-1", parse(files, "default nixos-generation-1.conf\n").defaultId());
        assertEquals(-1, parse(files, "timeout menu-force\n").timeoutSeconds());
    }

    @Test
    void pathsAreMadeAbsoluteAndDoubleSlashesCollapse() {
        BootMenu m = parse(Map.of("x.conf", "linux boot//nix/store/k/bzImage\ninitrd \\efi\\initrd\n"), null);
        assertEquals("/boot/nix/store/k/bzImage", m.entries().get(0).kernel());
        assertEquals(List.of("/efi/initrd"), m.entries().get(0).initrds());
    }

    @Test
    void entriesWithoutKernelAreSkippedWithAWarningAndEfiKeysWarn() {
        SystemdBootReader p = new SystemdBootReader();
        BootMenu m = p.parse(Map.of("efi-only.conf", "title Shell\nefi /shell.efi\n", "ok.conf", "linux /k\n"), null,
                "iso!/loader");
        assertEquals(1, m.entries().size());
        assertTrue(p.warnings().stream().anyMatch(w -> w.contains("efi-only.conf") && w.contains("no 'linux'")));
        assertTrue(p.warnings().stream().anyMatch(w -> w.contains("'efi' has no BIOS equivalent")));
    }

    @Test
    void defaultGlobsMatchAsFnmatchAndAnyTextIsAPattern() {
        assertTrue(SystemdBootReader.globMatches("nixos-*", "nixos-generation-2"));
        assertTrue(SystemdBootReader.globMatches("nixos-?", "nixos-2"));
        assertTrue(SystemdBootReader.globMatches("nixos-[0-9]", "nixos-7"));
        assertTrue(SystemdBootReader.globMatches("nixos-[!a-z]", "nixos-7"));
        assertTrue(!SystemdBootReader.globMatches("nixos-[^0-9]", "nixos-7"));
        assertTrue(SystemdBootReader.globMatches("a{b", "a{b"), "a brace is a plain character");
        assertTrue(SystemdBootReader.globMatches("a[b", "a[b"), "an unclosed bracket is a plain character");
        assertTrue(!SystemdBootReader.globMatches("a*b*c", "aXbY"));
        assertTrue(SystemdBootReader.globMatches("*", ""));
        // linear, not exponential: 40 stars against a long id that does not match
        String stars = "*a".repeat(40) + "b";
        long t0 = System.nanoTime();
        assertTrue(!SystemdBootReader.globMatches(stars, "a".repeat(2000)));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "took " + (System.nanoTime() - t0) / 1e6 + " ms");
        // found by fuzzing: an unbalanced "{" in loader.conf's default threw PatternSyntaxException
        Map<String, String> files = new TreeMap<>(Map.of("live.conf", "title Live\nlinux /boot/bzImage\n"));
        assertEquals("live", parse(files, "default M{set\n").defaultId());
        assertEquals("live", parse(files, "default live{\n").defaultId(), "no match: the first entry");
    }
}
