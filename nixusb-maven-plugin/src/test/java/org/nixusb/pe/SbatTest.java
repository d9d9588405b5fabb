package org.nixusb.pe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.DebianMedia;
import org.nixusb.testing.HostTools;

/**
 * SBAT and signers of real signed EFI programs (Debian's shim, GRUB and systemd-boot from their pinned packages),
 * each checked against independent readers: objcopy extracts the {@code .sbat} section, objdump lists the sections
 * and the certificate table, openssl reads the signature's certificates. Malformed sections are reported, never thrown.
 */
class SbatTest {
    @Test
    void debiansSignedChainHasTheSbatAndSignersOtherToolsRead() throws Exception {
        HostTools.require("dpkg-deb", "objcopy", "objdump", "openssl");
        Path dir = HostTools.workDir("sbat");
        Path shim = DebianMedia.file("shim-signed", "usr/lib/shim/shimx64.efi.signed");
        Path grub = DebianMedia.file("grub-efi-amd64-signed", "usr/lib/grub/x86_64-efi-signed/gcdx64.efi.signed");
        Path sdboot = DebianMedia.file("systemd-boot-efi", "usr/lib/systemd/boot/efi/systemd-bootx64.efi");
        for (Path p : List.of(shim, grub, sdboot)) {
            byte[] b = Files.readAllBytes(p);
            Path raw = dir.resolve(p.getFileName() + ".sbat");
            HostTools.run("objcopy", "-O", "binary", "--only-section=.sbat", p.toString(), raw.toString());
            assertArrayEquals(trimZeros(Files.readAllBytes(raw)), trimZeros(PeImage.section(b, ".sbat")), p.toString());
            Sbat sbat = Sbat.of(b);
            String text = new String(trimZeros(Files.readAllBytes(raw)), StandardCharsets.UTF_8);
            List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
            assertEquals(lines.size(), sbat.entries().size(), text);
            assertEquals(List.of(), sbat.problems(), text);
            assertEquals("sbat", sbat.entries().get(0).component(), text);
            for (int i = 0; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",");
                assertEquals(f[0], sbat.entries().get(i).component());
                assertEquals(Integer.parseInt(f[1]), sbat.entries().get(i).generation());
            }
        }
        assertTrue(Sbat.of(Files.readAllBytes(shim)).generation("shim") >= 1, "shim names itself");
        Sbat g = Sbat.of(Files.readAllBytes(grub));
        assertTrue(g.generation("grub") >= 1 && g.generation("grub.debian") >= 1, g.levels().toString());

        // sections and the certificate table where objdump finds them; the signer is among the certificates openssl
        // finds in the signature, and issued none of the others
        for (Path p : List.of(shim, grub, sdboot)) {
            byte[] b = Files.readAllBytes(p);
            String headers = HostTools.run("objdump", "-h", p.toString());
            for (PeImage.Section sec : PeImage.sections(b)) {
                assertTrue(headers.matches("(?s).*\\s" + java.util.regex.Pattern.quote(sec.name()) + "\\s+\\p{XDigit}+\\s+"
                        + "\\p{XDigit}+\\s+\\p{XDigit}+\\s+0*" + Long.toHexString(sec.rawOffset()) + "\\s.*"),
                        p + ": " + sec + " not in\n" + headers);
            }
            String dirs = HostTools.run("objdump", "-p", p.toString());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Entry 4 (\\p{XDigit}+) (\\p{XDigit}+) Security")
                    .matcher(dirs);
            long[] table = PeImage.certificateTable(b);
            if (m.find() && Long.parseLong(m.group(2), 16) != 0) {
                assertEquals(Long.parseLong(m.group(1), 16), table[0], p.toString());
                assertEquals(Long.parseLong(m.group(2), 16), table[1], p.toString());
            } else {
                assertNull(table, p.toString());
            }
        }
        for (Path p : List.of(shim, grub)) {
            List<byte[]> signatures = PeImage.signatures(Files.readAllBytes(p));
            assertTrue(!signatures.isEmpty(), p.toString());
            Path sig = dir.resolve(p.getFileName() + ".p7");
            Files.write(sig, signatures.get(0));
            String certs = HostTools.run("openssl", "pkcs7", "-inform", "DER", "-in", sig.toString(), "-print_certs",
                    "-noout");
            String signer = PeImage.signer(Files.readAllBytes(p));
            assertTrue(signer != null && signer.contains("CN="), p + ": " + signer);
            String cn = signer.replaceAll(".*?CN=([^,]+).*", "$1");
            assertTrue(certs.contains("CN = " + cn) || certs.contains("CN=" + cn), cn + " not in\n" + certs);
        }
        assertTrue(PeImage.signer(Files.readAllBytes(shim)).contains("Microsoft"), "Microsoft signs shim");
        assertNull(PeImage.signer(Files.readAllBytes(sdboot)), "Debian's systemd-boot is unsigned");
        assertEquals(List.of(), PeImage.signatures(Files.readAllBytes(sdboot)));
    }

    @Test
    void malformedSectionsAreReportedNeverThrown() {
        Sbat s = Sbat.parse("sbat,1,SBAT Version,sbat,1,https://x\nshim,four,UEFI shim\n,3\nonlyname\ngrub,3,Free\n\0\0"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("sbat,1", "grub,3"), s.entries().stream().map(Sbat.Entry::level).toList());
        assertEquals(3, s.problems().size(), s.problems().toString());
        assertTrue(s.problems().get(0).contains("generation of shim is not a number"), s.problems().toString());
        assertEquals(-1, s.generation("shim"));
        assertEquals(List.of("grub,3"), s.levels());
        Random r = new Random(31);
        for (int i = 0; i < 5000; i++) {
            byte[] b = new byte[r.nextInt(300)];
            r.nextBytes(b);
            Sbat.parse(b);
            byte[] pe = new byte[64 + r.nextInt(1024)];
            r.nextBytes(pe);
            pe[0] = 'M';
            pe[1] = 'Z';
            pe[0x3C] = 0x40;
            pe[0x3D] = 0;
            pe[0x3E] = 0;
            pe[0x3F] = 0;
            if (pe.length > 0x44) {
                pe[0x40] = 'P';
                pe[0x41] = 'E';
                pe[0x42] = 0;
                pe[0x43] = 0;
            }
            Sbat.of(pe);
            PeImage.sections(pe);
            PeImage.signer(pe);
        }
    }

    private static byte[] trimZeros(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        return Arrays.copyOf(b, n);
    }
}
