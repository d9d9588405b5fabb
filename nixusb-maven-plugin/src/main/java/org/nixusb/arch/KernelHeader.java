package org.nixusb.arch;

import org.nixusb.binary.Bytes;
import org.nixusb.pe.PeImage;

/**
 * What a kernel image's first bytes say about how firmware and boot loaders can start it: an x86 bzImage's setup
 * header ("HdrS" at 0x202: the boot protocol version at 0x206, {@code xloadflags} at 0x236 with the EFI handover
 * bits, protocol 2.12 and later), and the machine type of a PE/COFF EFI stub ({@link PeImage#machine}). GRUB
 * on UEFI starts a Linux kernel through its EFI stub or the 64-bit EFI handover entry; a kernel with neither
 * cannot be started from 64-bit UEFI.
 *
 * @param bzImage whether it is an x86 bzImage (a setup header)
 * @param protocol the boot protocol version (0x20f is 2.15), 0 when not a bzImage
 * @param handover64 whether it has the 64-bit EFI handover entry
 * @param peMachine the PE machine type of its EFI stub (0x8664 x64, 0xaa64 arm64, 0x14c ia32), or 0 without one
 * @param handover32 whether it has the 32-bit EFI handover entry (how 32-bit UEFI starts a 64-bit kernel)
 * @param arm64Image whether it is an arm64 Linux {@code Image} (magic {@code ARM\x64} at 0x38)
 * @param riscvImage whether it is a RISC-V Linux {@code Image} (magic {@code RSC\x05} at 0x38)
 * @param elfMachine the {@code e_machine} of an ELF kernel ({@code vmlinux}: 62 x86-64, 21 PowerPC 64, 22 s390, ...),
 *        or -1 when it is not ELF
 * @param elf64 whether an ELF kernel is of class 64
 * @param elfBigEndian whether an ELF kernel is big-endian
 * @param armZImage whether it is a 32-bit ARM {@code zImage} (magic 0x016f2818 at 0x24)
 */
public record KernelHeader(boolean bzImage, int protocol, boolean handover64, int peMachine, boolean handover32,
        boolean arm64Image, boolean riscvImage, int elfMachine, boolean elf64, boolean elfBigEndian,
        boolean armZImage) {
    private static final int XLF_EFI_HANDOVER_32 = 1 << 2;
    private static final int XLF_EFI_HANDOVER_64 = 1 << 3;

    /** Reads the header from the kernel's first bytes (at least 1 KiB for a full answer). */
    public static KernelHeader read(byte[] head) {
        boolean bz = head.length >= 0x208 && head[0x202] == 'H' && head[0x203] == 'd' && head[0x204] == 'r'
                && head[0x205] == 'S';
        int protocol = bz ? Bytes.u16le(head, 0x206) : 0;
        boolean handover = bz && protocol >= 0x20c && head.length >= 0x238
                && (Bytes.u16le(head, 0x236) & XLF_EFI_HANDOVER_64) != 0;
        boolean handover32 = bz && protocol >= 0x20c && head.length >= 0x238
                && (Bytes.u16le(head, 0x236) & XLF_EFI_HANDOVER_32) != 0;
        int machine = PeImage.machine(head);
        boolean arm64 = head.length >= 0x3c && head[0x38] == 'A' && head[0x39] == 'R' && head[0x3a] == 'M'
                && head[0x3b] == 0x64;
        boolean riscv = head.length >= 0x3c && head[0x38] == 'R' && head[0x39] == 'S' && head[0x3a] == 'C'
                && head[0x3b] == 0x05;
        boolean elf = head.length >= 20 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F'
                && (head[4] == 1 || head[4] == 2) && (head[5] == 1 || head[5] == 2);
        boolean big = elf && head[5] == 2;
        int elfMachine = !elf ? -1 : big ? (head[18] & 0xFF) << 8 | (head[19] & 0xFF) : Bytes.u16le(head, 18);
        boolean zImage = head.length >= 0x28 && (head[0x24] & 0xFF) == 0x18 && (head[0x25] & 0xFF) == 0x28
                && (head[0x26] & 0xFF) == 0x6f && (head[0x27] & 0xFF) == 0x01;
        return new KernelHeader(bz, protocol, handover, machine, handover32, arm64, riscv, elfMachine,
                elf && head[4] == 2, big, zImage);
    }

    /** The architecture of an ELF machine type that UEFI boots, or null. */
    private static EfiArch ofElfMachine(int m) {
        return switch (m) {
            case 62 -> EfiArch.X64;
            case 3 -> EfiArch.IA32;
            case 183 -> EfiArch.AA64;
            case 243 -> EfiArch.RISCV64;
            case 258 -> EfiArch.LOONGARCH64;
            default -> null;
        };
    }

    /**
     * The processor of a kernel neither a PC BIOS nor a UEFI architecture nixusb knows starts (an ELF
     * {@code vmlinux} for PowerPC, s390x, SPARC, MIPS, ...; a 32-bit ARM {@code zImage}), as Debian names its port, or
     * null when the kernel is for one of those ({@link #arch}) or its header names no processor.
     */
    public String otherProcessor() {
        if (arch() != null) {
            return null;
        }
        if (armZImage) {
            return "armhf";
        }
        if (elfMachine < 0) {
            return null;
        }
        return switch (elfMachine) {
            case 2 -> "sparc";
            case 43 -> "sparc64";
            case 4 -> "m68k";
            case 8 -> elf64 ? (elfBigEndian ? "mips64" : "mips64el") : (elfBigEndian ? "mips" : "mipsel");
            case 15 -> "hppa";
            case 20 -> "powerpc";
            case 21 -> elfBigEndian ? "ppc64" : "ppc64el";
            case 22 -> "s390x";
            case 40 -> "armhf";
            case 42 -> "sh4";
            case 50 -> "ia64";
            case 0x9026 -> "alpha";
            default -> "ELF machine " + elfMachine;
        };
    }

    /**
     * The architecture the kernel runs on: its EFI stub's, else arm64 or riscv64 for an arm64 or RISC-V
     * {@code Image}, x64 for an x86 bzImage (which a PC BIOS starts whatever its word size), an ELF kernel's machine
     * where it is a UEFI architecture; null otherwise (see {@link #otherProcessor}).
     */
    public EfiArch arch() {
        EfiArch stub = peMachine == 0 ? null : EfiArch.ofMachine(peMachine);
        if (stub != null) {
            return stub;
        }
        if (arm64Image) {
            return EfiArch.AA64;
        }
        if (riscvImage) {
            return EfiArch.RISCV64;
        }
        if (bzImage) {
            return EfiArch.X64;
        }
        return elfMachine < 0 ? null : ofElfMachine(elfMachine);
    }

    /** Why 32-bit UEFI's GRUB cannot start it, or null when it can (the 32-bit handover entry, or an ia32 stub). */
    public String whyNotIa32Uefi() {
        if (handover32 || peMachine == EfiArch.IA32.machine()) {
            return null;
        }
        return bzImage ? "it has no 32-bit EFI handover entry (a kernel built without EFI mixed mode)"
                : "it is not an x86 bzImage";
    }

    /** Whether GRUB on 64-bit x86 UEFI can start it: an x64 EFI stub, or the 64-bit EFI handover entry. */
    public boolean startsFromX64Uefi() {
        return peMachine == EfiArch.X64.machine() || handover64;
    }

    /** Why it cannot start from 64-bit x86 UEFI, or null when it can. */
    public String whyNotX64Uefi() {
        if (startsFromX64Uefi()) {
            return null;
        }
        if (peMachine != 0) {
            return String.format("its EFI stub is for machine 0x%04x, not x86-64", peMachine);
        }
        if (!bzImage) {
            return "it is not an x86 bzImage and has no EFI stub";
        }
        return String.format("it has neither an EFI stub nor the 64-bit EFI handover entry (boot protocol %d.%02d)",
                protocol >> 8, protocol & 0xFF);
    }
}
