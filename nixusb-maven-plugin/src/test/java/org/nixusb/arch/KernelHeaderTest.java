package org.nixusb.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.DebianMedia;
import org.nixusb.testing.MadeUpKernels;

/**
 * Kernel headers: Debian's pinned kernel (an x86-64 EFI stub and the EFI handover entry), and made-up headers for
 * what real old and foreign kernels carry: a bzImage of protocol 2.10 (no UEFI entry), one of 2.12 with only the
 * handover bit, an arm64 EFI stub, and bytes that are no kernel.
 */
class KernelHeaderTest {
    private static byte[] bzImage(int protocol, int xloadflags) {
        return MadeUpKernels.bzImage(protocol, xloadflags);
    }

    @Test
    void debiansKernelStartsFromUefi() throws Exception {
        Path k = DebianMedia.file("linux-image-6.1.0-57-amd64", "/boot/vmlinuz-6.1.0-57-amd64");
        KernelHeader h = KernelHeader.read(Arrays.copyOf(Files.readAllBytes(k), 4096));
        assertTrue(h.bzImage() && h.protocol() >= 0x20f, "protocol " + Integer.toHexString(h.protocol()));
        assertEquals(org.nixusb.arch.EfiArch.X64.machine(), h.peMachine());
        assertTrue(h.handover64());
        assertNull(h.whyNotX64Uefi());
    }

    @Test
    void oldForeignAndBrokenKernelsAreNamed() {
        KernelHeader old = KernelHeader.read(bzImage(0x20a, 0));
        assertFalse(old.startsFromX64Uefi());
        assertEquals("it has neither an EFI stub nor the 64-bit EFI handover entry (boot protocol 2.10)",
                old.whyNotX64Uefi());
        assertTrue(KernelHeader.read(bzImage(0x20c, 1 << 3)).startsFromX64Uefi(), "the handover entry alone");
        assertFalse(KernelHeader.read(bzImage(0x20b, 1 << 3)).startsFromX64Uefi(), "xloadflags came with 2.12");
        byte[] arm = new byte[512];
        arm[0] = 'M';
        arm[1] = 'Z';
        arm[0x3c] = 0x40;
        arm[0x40] = 'P';
        arm[0x41] = 'E';
        arm[0x44] = (byte) 0x64;
        arm[0x45] = (byte) 0xaa;
        assertEquals("its EFI stub is for machine 0xaa64, not x86-64", KernelHeader.read(arm).whyNotX64Uefi());
        assertEquals("it is not an x86 bzImage and has no EFI stub", KernelHeader.read(new byte[4096]).whyNotX64Uefi());
        assertFalse(KernelHeader.read(new byte[10]).startsFromX64Uefi(), "a short file");
    }

    @Test
    void debiansArm64KernelIsAnArm64ImageWithItsStub() throws Exception {
        Path k = DebianMedia.file("linux-image-6.1.0-57-arm64:arm64", "/boot/vmlinuz-6.1.0-57-arm64");
        KernelHeader h = KernelHeader.read(Arrays.copyOf(Files.readAllBytes(k), 4096));
        assertTrue(h.arm64Image() && !h.bzImage());
        assertEquals(org.nixusb.arch.EfiArch.AA64, h.arch());
        assertEquals(0xaa64, h.peMachine());
    }

    @Test
    void eachHeaderNamesItsArchitecture() {
        assertEquals(org.nixusb.arch.EfiArch.X64, KernelHeader.read(bzImage(0x20f, 0)).arch(), "a bzImage is x86");
        assertEquals(org.nixusb.arch.EfiArch.AA64, KernelHeader.read(org.nixusb.testing.MadeUpKernels
                .arm64ImageWithoutStub()).arch(), "the magic alone");
        assertEquals(org.nixusb.arch.EfiArch.IA32, KernelHeader.read(org.nixusb.testing.MadeUpKernels.peProgram(0x14c))
                .arch());
        assertNull(KernelHeader.read(new byte[4096]).arch());
        // 32-bit UEFI starts a 64-bit kernel through the 32-bit handover entry (EFI mixed mode)
        assertNull(KernelHeader.read(bzImage(0x20f, 1 << 2)).whyNotIa32Uefi());
        assertEquals("it has no 32-bit EFI handover entry (a kernel built without EFI mixed mode)",
                KernelHeader.read(bzImage(0x20f, 1 << 3)).whyNotIa32Uefi());
    }

    @Test
    void elfImageAndZImageKernelsNameTheirProcessors() throws Exception {
        // a real ELF file of the host's own processor: the JVM running this test
        Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
        KernelHeader host = KernelHeader.read(Arrays.copyOf(Files.readAllBytes(java), 4096));
        assertTrue(host.elfMachine() > 0, "the JVM's launcher is ELF");
        if (System.getProperty("os.arch").equals("amd64")) {
            assertEquals(62, host.elfMachine());
            assertEquals(org.nixusb.arch.EfiArch.X64, host.arch());
        }
        Object[][] cases = {
                {62, true, false, org.nixusb.arch.EfiArch.X64, null},
                {3, false, false, org.nixusb.arch.EfiArch.IA32, null},
                {183, true, false, org.nixusb.arch.EfiArch.AA64, null},
                {243, true, false, org.nixusb.arch.EfiArch.RISCV64, null},
                {258, true, false, org.nixusb.arch.EfiArch.LOONGARCH64, null},
                {21, true, false, null, "ppc64el"},
                {21, true, true, null, "ppc64"},
                {20, false, true, null, "powerpc"},
                {22, true, true, null, "s390x"},
                {43, true, true, null, "sparc64"},
                {8, true, false, null, "mips64el"},
                {8, false, true, null, "mips"},
                {15, false, true, null, "hppa"},
                {0x9026, true, false, null, "alpha"},
                {4, false, true, null, "m68k"},
                {40, false, false, null, "armhf"},
                {9999, true, false, null, "ELF machine 9999"},
        };
        for (Object[] c : cases) {
            KernelHeader h = KernelHeader.read(MadeUpKernels.elfKernel((Integer) c[0], (Boolean) c[1], (Boolean) c[2]));
            String what = "ELF machine " + c[0] + (((Boolean) c[2]) ? " big-endian" : "");
            assertEquals(c[0], h.elfMachine(), what);
            assertEquals(c[3], h.arch(), what);
            assertEquals(c[4], h.otherProcessor(), what);
            assertFalse(h.bzImage(), what);
        }
        assertEquals(org.nixusb.arch.EfiArch.RISCV64, KernelHeader.read(MadeUpKernels.riscvImage()).arch());
        assertNull(KernelHeader.read(MadeUpKernels.riscvImage()).otherProcessor());
        KernelHeader zImage = KernelHeader.read(MadeUpKernels.armZImage());
        assertNull(zImage.arch());
        assertEquals("armhf", zImage.otherProcessor());
        assertEquals(-1, KernelHeader.read(bzImage(0x20f, 0)).elfMachine(), "a bzImage is no ELF");
        assertNull(KernelHeader.read(new byte[4096]).otherProcessor(), "nothing read, nothing named");
        // a truncated identification is no ELF
        assertEquals(-1, KernelHeader.read(Arrays.copyOf(MadeUpKernels.elfKernel(21, true, false), 12)).elfMachine());
    }
}
