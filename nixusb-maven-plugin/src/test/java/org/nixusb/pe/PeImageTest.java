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
}
