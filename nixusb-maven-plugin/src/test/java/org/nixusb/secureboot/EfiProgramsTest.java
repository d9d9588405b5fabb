package org.nixusb.secureboot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nixusb.efivars.EfiVariable;
import org.nixusb.efivars.SignatureList;
import org.nixusb.lint.Finding;
import org.nixusb.lint.ImageLint;
import org.nixusb.eltorito.ElTorito;
import org.nixusb.inspect.ImageInspection;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.pe.Sbat;
import org.nixusb.testing.DebianMedia;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * The EFI programs of a CD made by genisoimage whose El Torito EFI image holds Debian's signed shim as BOOTX64.EFI
 * with a second stage beside it, and a copy of shim in the ISO tree: each program is found with its SBAT and signer,
 * the boot chain is BOOTX64.EFI and what shim loads, and inspect reports them. Control: an unrelated program in the
 * EFI image is not in the chain.
 */
public class EfiProgramsTest {
    /** A CD whose EFI image holds shim, {@code secondStage} as grubx64.efi and an unrelated tool, shim in the tree. */
    public static Path shimCd(Path dir, Path secondStage) throws Exception {
        HostTools.require("dpkg-deb", "mkfs.vfat", "mcopy", "mmd", "genisoimage");
        Path shim = DebianMedia.file("shim-signed", "usr/lib/shim/shimx64.efi.signed");
        Path tree = SourceIsos.nixosTree(dir.resolve("tree"), true);
        Path img = tree.resolve("boot/efi.img");
        Files.deleteIfExists(img);
        HostTools.run("mkfs.vfat", "-C", "-n", "EFIBOOT", img.toString(), "16384");
        HostTools.run("mmd", "-i", img.toString(), "::/EFI", "::/EFI/BOOT", "::/EFI/tools");
        HostTools.run("mcopy", "-i", img.toString(), shim.toString(), "::/EFI/BOOT/BOOTX64.EFI");
        HostTools.run("mcopy", "-i", img.toString(), secondStage.toString(), "::/EFI/BOOT/grubx64.efi");
        HostTools.run("mcopy", "-i", img.toString(), secondStage.toString(), "::/EFI/tools/shell.efi");
        Files.createDirectories(tree.resolve("EFI/BOOT"));
        Files.copy(shim, tree.resolve("EFI/BOOT/BOOTX64.EFI"));
        return SourceIsos.genisoimage(dir, tree, "shim.iso", "-eltorito-alt-boot", "-e", "boot/efi.img",
                "-no-emul-boot");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theChainIsShimAndWhatItLoadsAndInspectReportsEveryProgram() throws Exception {
        Path dir = HostTools.workDir("efi-programs");
        Path grub = DebianMedia.file("grub-efi-amd64-signed", "usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed");
        Path iso = shimCd(dir, grub);
        try (IsoVolume v = IsoVolume.open(iso)) {
            List<EfiPrograms.Program> all = EfiPrograms.read(v, ElTorito.read(v).readableEfiImages());
            assertEquals(List.of("EFI image 1:/EFI/BOOT/BOOTX64.EFI", "EFI image 1:/EFI/BOOT/grubx64.efi",
                    "EFI image 1:/EFI/tools/shell.efi", "/EFI/BOOT/BOOTX64.EFI"), all.stream()
                    .map(EfiPrograms.Program::where).toList());
            for (EfiPrograms.Program p : all) {
                assertTrue(p.signed() && p.signer() != null && p.problem() == null, p.toString());
                assertEquals(0x8664, p.machine(), p.toString());
            }
            assertTrue(all.get(0).shim() && !all.get(1).shim(), "shim names the component shim, GRUB does not");
            assertEquals(Sbat.of(Files.readAllBytes(grub)).levels(), all.get(1).sbat().levels());
            assertEquals(List.of(all.get(0), all.get(1)), EfiPrograms.chain(all), "the tool and the tree's copy are not");
        }
        Map<String, Object> report = ImageInspection.inspect(iso);
        List<Object> programs = (List<Object>) report.get("efiPrograms");
        assertEquals(4, programs.size());
        Map<String, Object> second = (Map<String, Object>) programs.get(1);
        assertEquals(true, second.get("bootChain"));
        assertTrue(((List<String>) second.get("sbat")).stream().anyMatch(l -> l.startsWith("grub.debian,")), second
                .toString());
        assertFalse((Boolean) ((Map<String, Object>) programs.get(2)).get("bootChain"));
        String text = ImageInspection.text(report);
        assertTrue(text.contains("EFI programs (Secure Boot):\n  EFI image 1:/EFI/BOOT/BOOTX64.EFI: x64, signed by ")
                && text.contains("(boot chain)"), text);
    }

    @Test
    void anImageWithoutEfiProgramsHasNone() throws Exception {
        Path dir = HostTools.workDir("efi-programs-none");
        Path iso = SourceIsos.genisoimage(dir, SourceIsos.nixosTree(dir.resolve("tree"), true), "plain.iso");
        try (IsoVolume v = IsoVolume.open(iso)) {
            assertEquals(List.of(), EfiPrograms.read(v, ElTorito.read(v).readableEfiImages()));
        }
    }

    @Test
    void aChainProgramInTheGivenDbxIsRevokedAndShimsOwnListReads() throws Exception {
        HostTools.require("osslsigncode", "objcopy");
        Path dir = HostTools.workDir("efi-programs-dbx");
        Path grub = DebianMedia.file("grub-efi-amd64-signed", "usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed");
        Path iso = shimCd(dir, grub);
        String hash = org.nixusb.testing.Authenticode.osslsigncodeDigest(grub);
        Path esl = dir.resolve("dbx.esl");
        Files.write(esl, SignatureList.write(List.of(new SignatureList(SignatureList.SHA256, List.of(
                new SignatureList.Entry(EfiVariable.GLOBAL, java.util.HexFormat.of().parseHex(hash)))))));

        ImageLint.Report revoked = ImageLint.lint(iso, SbatLevels.pinned(), DbxList.read(esl).sha256Hex());
        List<Finding> dbx = revoked.findings().stream().filter(f -> f.id().startsWith("DBX_")).toList();
        assertEquals(1, dbx.size(), "the chain's GRUB only, not the unrelated copy: " + dbx);
        assertEquals("DBX_REVOKED", dbx.get(0).id());
        assertTrue(dbx.get(0).problem().startsWith("EFI image 1:/EFI/BOOT/grubx64.efi is in the given revocation list")
                && dbx.get(0).problem().contains(hash), dbx.get(0).problem());
        assertTrue(ImageLint.lint(iso).findings().stream().noneMatch(f -> f.id().startsWith("DBX_")), "control");

        // the shim's own list: the hashes objcopy's .vendor_cert holds, one list of one hash each in Debian's
        Path shim = DebianMedia.file("shim-signed", "usr/lib/shim/shimx64.efi.signed");
        Path section = dir.resolve("vendor_cert.bin");
        HostTools.run("objcopy", "-O", "binary", "--only-section=.vendor_cert", shim.toString(), section.toString());
        byte[] table = Files.readAllBytes(section);
        long revokedBytes = org.nixusb.binary.Bytes.u32le(table, 4);
        List<String> own = EfiPrograms.vendorDbx(Files.readAllBytes(shim));
        assertEquals(revokedBytes / 76, own.size());
        assertTrue(own.size() > 50 && own.stream().allMatch(h -> h.matches("[0-9a-f]{64}")), own.toString());
        assertFalse(own.contains(hash), "today's GRUB is not revoked by its own shim");
    }
}
