package org.nixusb.secureboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.lint.Finding;
import org.nixusb.lint.ImageLint;
import org.nixusb.pe.Sbat;
import org.nixusb.testing.DebianMedia;
import org.nixusb.testing.HostTools;

/**
 * The revocation levels: the pinned list reads, a level refuses a program by its components' generations and only
 * those, a shim's own levels read as objcopy extracts them, and lint names the oldest level that refuses a chain
 * program (control: a list that revokes nothing gives no finding; one that revokes GRUB names it).
 */
class SbatLevelsTest {
    private static Sbat sbat(String text) {
        return Sbat.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void levelsRefuseByGenerationOfTheComponentsAProgramNames() throws Exception {
        List<SbatLevels.Level> pinned = SbatLevels.pinned();
        assertEquals("2021030218", pinned.get(0).date());
        assertEquals(List.of(), pinned.get(0).revocations());
        SbatLevels.Level windows = pinned.stream().filter(l -> l.date().equals("2024010900")).findFirst().orElseThrow();
        assertEquals("shim,3 < shim,4", windows.refusal(sbat("sbat,1,x\nshim,3,UEFI shim,shim,1,https://x\n")));
        assertNull(windows.refusal(sbat("sbat,1,x\nshim,4,UEFI shim\n")));
        assertNull(windows.refusal(sbat("sbat,1,x\nsystemd,1,systemd-boot\n")), "a component the level does not name");
        assertEquals("grub.debian,3 < grub.debian,4", windows.refusal(sbat("sbat,1,x\ngrub,3,GRUB\ngrub.debian,3,x\n")));
        for (int i = 1; i < pinned.size(); i++) {
            assertTrue(pinned.get(i).date().compareTo(pinned.get(i - 1).date()) >= 0, "oldest first");
        }
        assertEquals(pinned.get(pinned.size() - 1), SbatLevels.latest(pinned));

        Path dir = HostTools.workDir("sbat-levels");
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "level x\nshim,4\n");
        BadInputException e = assertThrows(BadInputException.class, () -> SbatLevels.read(bad));
        assertTrue(e.getMessage().startsWith(bad + ": the level 'x' is no SbatLevel payload"), e.getMessage());
        Files.writeString(bad, "# nothing\n");
        assertThrows(BadInputException.class, () -> SbatLevels.read(bad));
    }

    @Test
    void debiansShimCarriesTheLevelsObjcopyExtracts() throws Exception {
        HostTools.require("dpkg-deb", "objcopy");
        Path shim = DebianMedia.file("shim-signed", "usr/lib/shim/shimx64.efi.signed");
        Path raw = HostTools.workDir("sbat-levels-shim").resolve("sbatlevel.bin");
        HostTools.run("objcopy", "-O", "binary", "--only-section=.sbatlevel", shim.toString(), raw.toString());
        String strings = new String(Files.readAllBytes(raw), StandardCharsets.ISO_8859_1);
        List<SbatLevels.Level> own = SbatLevels.embedded(Files.readAllBytes(shim));
        assertEquals(2, own.size(), strings);
        for (SbatLevels.Level l : own) {
            StringBuilder payload = new StringBuilder("sbat,1," + l.date() + "\n");
            l.revocations().forEach(r -> payload.append(r.level()).append('\n'));
            assertTrue(strings.contains(payload), payload + " not in " + strings);
        }
        assertEquals(List.of(), SbatLevels.embedded(new byte[100]));
    }

    @Test
    void lintNamesTheOldestLevelThatRefusesAChainProgram() throws Exception {
        Path dir = HostTools.workDir("sbat-lint");
        Path grub = DebianMedia.file("grub-efi-amd64-signed", "usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed");
        Path iso = EfiProgramsTest.shimCd(dir, grub);
        int grubGeneration = Sbat.of(Files.readAllBytes(grub)).generation("grub");
        Path none = dir.resolve("none.txt");
        Files.writeString(none, "level original\nsbat,1,2021030218\n");
        assertEquals(List.of(), sbatFindings(ImageLint.lint(iso, SbatLevels.read(none))), "a list that revokes nothing");
        Path future = dir.resolve("future.txt");
        Files.writeString(future, "level original\nsbat,1,2021030218\n\nlevel made-up\nsbat,1,2099010100\ngrub,"
                + (grubGeneration + 1) + "\n\nlevel later\nsbat,1,2099020100\ngrub," + (grubGeneration + 2) + "\n");
        List<Finding> f = sbatFindings(ImageLint.lint(iso, SbatLevels.read(future)));
        assertEquals(1, f.size(), f.toString());
        assertEquals("EFI image 1:/EFI/BOOT/grubx64.efi is revoked by SbatLevel 2099010100 (made-up): grub,"
                + grubGeneration + " < grub," + (grubGeneration + 1), f.get(0).problem());
        assertEquals(List.of(), ImageLint.lint(iso, SbatLevels.pinned()).findings().stream()
                .filter(x -> x.id().equals("SBAT_REVOKED_BY_OWN_SHIM")).toList(), "Debian's shim lets its own GRUB run");
    }

    /**
     * A GRUB whose SBAT generation is one below what the chain's shim writes on its first start: Debian's GRUB with
     * its {@code .sbat} bytes changed ({@code grub,5} to {@code grub,4}; lint does not verify signatures), beside
     * Debian's shim. Lint names the shim's own level (an error: every PC refuses the chain) and the oldest published
     * level that refuses it; today's pair (the test above) has neither.
     */
    @Test
    void aGrubItsOwnShimRevokesIsAnError() throws Exception {
        Path dir = HostTools.workDir("sbat-own-shim");
        byte[] grub = Files.readAllBytes(DebianMedia.file("grub-efi-amd64-signed",
                "usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed"));
        byte[] shim = Files.readAllBytes(DebianMedia.file("shim-signed", "usr/lib/shim/shimx64.efi.signed"));
        SbatLevels.Level own = SbatLevels.embedded(shim).get(0);
        int wanted = own.revocations().stream().filter(r -> r.component().equals("grub")).findFirst().orElseThrow()
                .generation();
        org.nixusb.pe.PeImage.Section sbat = org.nixusb.pe.PeImage.sections(grub).stream()
                .filter(x -> x.name().equals(".sbat")).findFirst().orElseThrow();
        String text = new String(grub, (int) sbat.rawOffset(), (int) sbat.rawSize(), StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\ngrub," + Sbat.of(grub).generation("grub") + ",");
        assertTrue(at > 0, text);
        byte[] lowered = grub.clone();
        byte[] digit = String.valueOf(wanted - 1).getBytes(StandardCharsets.US_ASCII);
        assertEquals(1, digit.length, "a one-digit generation");
        lowered[(int) sbat.rawOffset() + at + "\ngrub,".length()] = digit[0];
        assertEquals(wanted - 1, Sbat.of(lowered).generation("grub"));
        Path loweredGrub = dir.resolve("grubx64.efi");
        Files.createDirectories(dir);
        Files.write(loweredGrub, lowered);
        Path iso = EfiProgramsTest.shimCd(dir, loweredGrub);
        List<Finding> f = sbatFindings(ImageLint.lint(iso, SbatLevels.pinned()));
        Finding self = f.stream().filter(x -> x.id().equals("SBAT_REVOKED_BY_OWN_SHIM")).findFirst().orElseThrow();
        assertEquals(org.nixusb.lint.Severity.ERROR, self.severity());
        assertEquals("EFI image 1:/EFI/BOOT/BOOTX64.EFI writes SbatLevel " + own.date() + " on its first start, which "
                + "refuses EFI image 1:/EFI/BOOT/grubx64.efi: grub," + (wanted - 1) + " < grub," + wanted,
                self.problem());
        SbatLevels.Level oldest = SbatLevels.pinned().stream().filter(l -> l.refusal(Sbat.of(lowered)) != null)
                .findFirst().orElseThrow();
        assertTrue(f.stream().anyMatch(x -> x.id().equals("SBAT_REVOKED") && x.problem().equals(
                "EFI image 1:/EFI/BOOT/grubx64.efi is revoked by SbatLevel " + oldest.date() + " (" + oldest.name()
                        + "): grub," + (wanted - 1) + " < grub," + wanted)), f.toString());
    }

    private static List<Finding> sbatFindings(ImageLint.Report r) {
        return r.findings().stream().filter(x -> x.id().startsWith("SBAT_")).toList();
    }
}
