package org.nixusb.fuzz;

import org.nixusb.arch.EfiArch;
import org.nixusb.arch.KernelHeader;
import org.nixusb.pe.PeImage;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * The readers of what a loader or kernel is for, on raw first bytes: the PE machine type and signature, the x86
 * setup header, the arm64 and RISC-V Image magic, an ELF kernel's machine, a zImage's magic. None may throw; the architecture a header names must be its stub's when
 * the stub names one nixusb knows.
 */
public final class HeaderFuzzer {
    private HeaderFuzzer() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        byte[] head = data.consumeRemainingAsBytes();
        int machine = PeImage.machine(head);
        PeImage.signed(head);
        PeImage.kind(head);
        KernelHeader h = KernelHeader.read(head);
        EfiArch a = h.arch();
        EfiArch stub = EfiArch.ofMachine(machine);
        if (stub != null && a != stub) {
            throw new IllegalStateException("a kernel with an " + stub + " stub is said to be for " + a);
        }
        if (a == null && (h.bzImage() || h.arm64Image())) {
            throw new IllegalStateException("a bzImage or arm64 Image without an architecture");
        }
        String other = h.otherProcessor();
        if (other != null && a != null) {
            throw new IllegalStateException("a kernel for " + a + " is said to be for " + other + " too");
        }
        if (other != null && !h.armZImage() && h.elfMachine() < 0) {
            throw new IllegalStateException("a processor named without an ELF header or zImage magic: " + other);
        }
        h.whyNotX64Uefi();
        h.whyNotIa32Uefi();
    }
}
