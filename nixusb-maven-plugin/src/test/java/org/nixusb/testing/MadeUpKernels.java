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
}
