package org.nixusb.pe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.DebianMedia;
import org.nixusb.testing.HostTools;

/**
 * The Authenticode check on real EFI programs: Debian's signed shim and GRUB (from their packages) are
 * signed; GRUB's and systemd-boot's unsigned images are not; neither is anything damaged or truncated,
 * and no input throws.
 */
class PeImageTest {
    @Test
    void signedDebianLoadersAreSignedAndUnsignedOnesAreNot() throws Exception {
        HostTools.require("dpkg-deb");
        Path shim = DebianMedia.file("shim-signed", "usr/lib/shim/shimx64.efi.signed");
        Path grub = DebianMedia.file("grub-efi-amd64-signed", "usr/lib/grub/x86_64-efi-signed/gcdx64.efi.signed");
        for (Path signed : new Path[] {shim, grub}) {
            byte[] b = Files.readAllBytes(signed);
            assertEquals("PE32+", PeImage.kind(b), signed.toString());
            assertTrue(PeImage.signed(b), signed + " is signed");
        }
        Path unsigned = Path.of("/usr/lib/grub/x86_64-efi/monolithic/grubx64.efi");
        HostTools.require(unsigned.toString());
        byte[] u = Files.readAllBytes(unsigned);
        assertEquals("PE32+", PeImage.kind(u));
        assertFalse(PeImage.signed(u), "GRUB's monolithic image is unsigned");

        // damage never throws, and a truncated signature is no signature
        byte[] s = Files.readAllBytes(shim);
        assertFalse(PeImage.signed(java.util.Arrays.copyOf(s, s.length - 100)));
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] d = java.util.Arrays.copyOf(s, r.nextBoolean() ? s.length : r.nextInt(4096));
            for (int k = 0; k < 8; k++) {
                d[r.nextInt(Math.min(d.length, 1024))] = (byte) r.nextInt();
            }
            PeImage.signed(d);
            PeImage.kind(d);
        }
        assertFalse(PeImage.signed(new byte[0]));
        assertEquals(null, PeImage.kind("not a program".getBytes()));
    }

    @Test
    void theAuthenticodeHashIsWhatOsslsigncodeCalculates() throws Exception {
        HostTools.require("dpkg-deb", "osslsigncode", "openssl", "/usr/lib/grub/x86_64-efi/monolithic/grubx64.efi");
        // Debian's shim and kernel carry two signatures in one table, which osslsigncode does not read: the signed
        // GRUBs, and GRUB's unsigned image signed here by a test key
        Path dir = HostTools.workDir("authenticode");
        Path key = dir.resolve("test.key");
        Path pem = dir.resolve("test.pem");
        HostTools.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj",
                "/CN=nixusb authenticode test/", "-keyout", key.toString(), "-out", pem.toString());
        Path signedHere = dir.resolve("grubx64-test-signed.efi");
        Files.deleteIfExists(signedHere);
        HostTools.run("osslsigncode", "sign", "-h", "sha256", "-certs", pem.toString(), "-key", key.toString(), "-in",
                "/usr/lib/grub/x86_64-efi/monolithic/grubx64.efi", "-out", signedHere.toString());
        Path[] programs = {DebianMedia.file("grub-efi-amd64-signed", "usr/lib/grub/x86_64-efi-signed/gcdx64.efi.signed"),
            DebianMedia.file("grub-efi-amd64-signed", "usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed"),
            signedHere};
        java.util.List<String> seen = new java.util.ArrayList<>();
        for (Path p : programs) {
            String ours = java.util.HexFormat.of().formatHex(PeImage.authenticodeSha256(Files.readAllBytes(p)));
            assertEquals(org.nixusb.testing.Authenticode.osslsigncodeDigest(p), ours, p.toString());
            seen.add(ours);
        }
        assertFalse(seen.get(0).equals(seen.get(1)), "GRUB for CDs and GRUB are two programs");
        // the signature is not part of what it signs: the same hash without it, another one with a byte changed
        byte[] grub = Files.readAllBytes(programs[1]);
        long[] table = PeImage.certificateTable(grub);
        byte[] unsigned = java.util.Arrays.copyOf(grub, (int) table[0]);
        byte[] expected = PeImage.authenticodeSha256(grub);
        byte[] stripped = unsigned.clone();
        // clear the certificate table entry as a signature remover does: not hashed, so no change
        int optional = (int) org.nixusb.binary.Bytes.u32le(stripped, 0x3c) + 24;
        java.util.Arrays.fill(stripped, optional + 112 + 32, optional + 112 + 40, (byte) 0);
        assertEquals(java.util.HexFormat.of().formatHex(expected), java.util.HexFormat.of().formatHex(
                PeImage.authenticodeSha256(stripped)));
        stripped[(int) table[0] - 1] ^= 1;
        assertFalse(java.util.Arrays.equals(expected, PeImage.authenticodeSha256(stripped)));
        Random r = new Random(11);
        for (int i = 0; i < 1000; i++) {
            byte[] d = java.util.Arrays.copyOf(grub, r.nextBoolean() ? grub.length : r.nextInt(8192));
            for (int k = 0; k < 8; k++) {
                d[r.nextInt(Math.min(d.length, 1024))] = (byte) r.nextInt();
            }
            PeImage.authenticodeSha256(d);
        }
        assertEquals(null, PeImage.authenticodeSha256(new byte[10]));
    }
}
