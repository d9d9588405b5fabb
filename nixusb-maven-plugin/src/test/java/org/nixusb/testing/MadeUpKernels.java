package org.nixusb.testing;

/** Kernel images' first bytes as real ones carry them, made up for tests of what a header says. */
public final class MadeUpKernels {
    private MadeUpKernels() {
    }

    /** An x86 bzImage setup header: "HdrS", the boot protocol version and the xloadflags. */
    public static byte[] bzImage(int protocol, int xloadflags) {
        byte[] b = new byte[1024];
        b[0x202] = 'H';
        b[0x203] = 'd';
        b[0x204] = 'r';
        b[0x205] = 'S';
        b[0x206] = (byte) protocol;
        b[0x207] = (byte) (protocol >> 8);
        b[0x236] = (byte) xloadflags;
        b[0x237] = (byte) (xloadflags >> 8);
        return b;
    }

    /** A PE/COFF program's headers for a machine type (0x8664 x64, 0xaa64 arm64, 0x14c ia32), padded to 4 KiB. */
    public static byte[] peProgram(int machine) {
        byte[] b = new byte[4096];
        b[0] = 'M';
        b[1] = 'Z';
        b[0x3c] = (byte) 0x80; // e_lfanew
        b[0x80] = 'P';
        b[0x81] = 'E';
        b[0x84] = (byte) machine;
        b[0x85] = (byte) (machine >> 8);
        b[0x98] = 0x0b; // optional header magic 0x20b: PE32+
        b[0x99] = 0x02;
        return b;
    }

    /** An arm64 Linux Image with its EFI stub: "MZ", the PE header (machine 0xaa64) and "ARM\x64" at 0x38. */
    public static byte[] arm64Image() {
        byte[] b = peProgram(0xaa64);
        b[0x38] = 'A';
        b[0x39] = 'R';
        b[0x3a] = 'M';
        b[0x3b] = 0x64;
        return b;
    }

    /** An arm64 Image without the EFI stub: only the magic. */
    public static byte[] arm64ImageWithoutStub() {
        byte[] b = new byte[4096];
        b[0x38] = 'A';
        b[0x39] = 'R';
        b[0x3a] = 'M';
        b[0x3b] = 0x64;
        return b;
    }

    /**
     * An ELF kernel's ({@code vmlinux}) identification and header start: class 32 or 64, the byte order, type
     * executable and {@code e_machine} (62 x86-64, 21 PowerPC 64, 22 s390, 43 SPARC V9, 8 MIPS, ...), padded to 4 KiB.
     */
    public static byte[] elfKernel(int machine, boolean class64, boolean bigEndian) {
        byte[] b = new byte[4096];
        b[0] = 0x7f;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        b[4] = (byte) (class64 ? 2 : 1);
        b[5] = (byte) (bigEndian ? 2 : 1);
        b[6] = 1; // EI_VERSION
        int[] type = {2, 0}; // ET_EXEC
        int[] mach = {machine & 0xFF, machine >> 8 & 0xFF};
        for (int i = 0; i < 2; i++) {
            b[16 + i] = (byte) (bigEndian ? type[1 - i] : type[i]);
            b[18 + i] = (byte) (bigEndian ? mach[1 - i] : mach[i]);
        }
        return b;
    }

    /** A RISC-V Linux Image: "RISCV" at 0x30 and the magic "RSC\x05" at 0x38. */
    public static byte[] riscvImage() {
        byte[] b = new byte[4096];
        System.arraycopy("RISCV".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, 0x30, 5);
        b[0x38] = 'R';
        b[0x39] = 'S';
        b[0x3a] = 'C';
        b[0x3b] = 0x05;
        return b;
    }

    /** A 32-bit ARM zImage: the magic 0x016f2818 (little-endian) at 0x24. */
    public static byte[] armZImage() {
        byte[] b = new byte[4096];
        b[0x24] = 0x18;
        b[0x25] = 0x28;
        b[0x26] = 0x6f;
        b[0x27] = 0x01;
        return b;
    }
}
