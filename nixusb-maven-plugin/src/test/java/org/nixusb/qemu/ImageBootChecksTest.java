package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.nixusb.secureboot.EfiProgramsTest;
import org.nixusb.testing.DebianMedia;
import org.nixusb.testing.HostTools;

/**
 * The secure modes' unsigned-loader warning covers the whole removable-media chain: signed shim with an unsigned
 * second stage is named (shim would refuse to start it), a signed second stage is not, and an unsigned program
 * outside the chain is not either.
 */
class ImageBootChecksTest {
    @Test
    void anUnsignedSecondStageOfShimIsNamed() throws Exception {
        Path unsignedGrub = Path.of("/usr/lib/grub/x86_64-efi/monolithic/grubx64.efi");
        HostTools.require(unsignedGrub.toString());
        Path dir = HostTools.workDir("boot-checks-chain");
        Path unsigned = EfiProgramsTest.shimCd(dir.resolve("unsigned"), unsignedGrub);
        String found = ImageBootChecks.unsignedLoaders(unsigned);
        long block;
        try (org.nixusb.iso9660.IsoVolume v = org.nixusb.iso9660.IsoVolume.open(unsigned)) {
            block = org.nixusb.eltorito.ElTorito.read(v).efiImages().get(0).entry().loadLba();
        }
        assertEquals("EFI/BOOT/grubx64.efi, which shim loads, in the El Torito EFI image at block " + block
                + " has no Authenticode signature", found);
        Path signed = EfiProgramsTest.shimCd(dir.resolve("signed"), DebianMedia.file("grub-efi-amd64-signed",
                "usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed"));
        assertNull(ImageBootChecks.unsignedLoaders(signed));
    }
}
