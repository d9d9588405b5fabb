package org.nixusb.hybrid;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The MBR boot code of a stick that boots from UEFI only (an x86 image whose BIOS loader cannot start from a disk):
 * instead of zeros, which a PC BIOS would run into the weeds, 16-bit code that prints {@link #MESSAGE} on the screen
 * (INT 10h teletype) and halts. nixusb's own code (assembled from its source in
 * the comments below); it fits the 432 bytes before isohybrid's fields.
 */
public final class UefiOnlyBootCode {
    /** What a PC BIOS shows when it is started from such a stick. */
    public static final String MESSAGE = "This stick boots from UEFI only: no BIOS boot loader is on it. Start this "
            + "PC in UEFI mode.\r\n";

    /**
     * At 0x7c00: {@code cli; xor ax,ax; mov ds,ax; mov ss,ax; mov sp,0x7c00; sti; mov si,0x7c21; cld;
     * next: lodsb; test al,al; jz stop; mov ah,0x0e; mov bx,7; int 0x10; jmp next; stop: cli; hlt; jmp stop}, then
     * the message (at offset 0x21) and a NUL. A BIOS's console redirection (SeaBIOS's serial console, a server's
     * serial-over-LAN) carries the teletype output to the serial port.
     */
    private static final byte[] CODE = {
        (byte) 0xfa, (byte) 0x31, (byte) 0xc0, (byte) 0x8e, (byte) 0xd8, (byte) 0x8e, (byte) 0xd0, (byte) 0xbc,
        (byte) 0x00, (byte) 0x7c, (byte) 0xfb, (byte) 0xbe, (byte) 0x21, (byte) 0x7c, (byte) 0xfc, (byte) 0xac,
        (byte) 0x84, (byte) 0xc0, (byte) 0x74, (byte) 0x09, (byte) 0xb4, (byte) 0x0e, (byte) 0xbb, (byte) 0x07,
        (byte) 0x00, (byte) 0xcd, (byte) 0x10, (byte) 0xeb, (byte) 0xf2, (byte) 0xfa, (byte) 0xf4, (byte) 0xeb,
        (byte) 0xfc};

    private UefiOnlyBootCode() {
    }

    /** The code and message at the start of {@code size} bytes (an MBR template), zeros after them. */
    public static byte[] template(int size) {
        byte[] msg = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        byte[] t = new byte[size];
        if (CODE.length + msg.length + 1 > Math.min(size, IsohybridMbr.TEMPLATE_SIZE)) {
            throw new IllegalStateException("the UEFI-only boot code does not fit " + size + " bytes");
        }
        System.arraycopy(CODE, 0, t, 0, CODE.length);
        System.arraycopy(msg, 0, t, CODE.length, msg.length);
        return t;
    }

    /** Whether {@code sector0} starts with this code (an image nixusb made a UEFI-only stick). */
    public static boolean isIn(byte[] sector0) {
        return sector0 != null && sector0.length >= CODE.length
                && Arrays.equals(sector0, 0, CODE.length, CODE, 0, CODE.length);
    }
}
