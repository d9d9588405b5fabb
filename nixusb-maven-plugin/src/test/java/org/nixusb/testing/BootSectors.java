package org.nixusb.testing;

import java.nio.charset.StandardCharsets;

/**
 * Boot sectors that prove they ran: 16-bit x86 code, assembled here by hand, that writes a text to the PC's first
 * serial port (I/O port 0x3f8, which QEMU's UART takes without set-up) and halts. A BIOS loads such a sector at
 * 0000:7C00 from a floppy, a hard disk's MBR, or an El Torito emulated image.
 */
public final class BootSectors {
    private BootSectors() {
    }

    /**
     * The sector: {@code cli; xor ax,ax; mov ds,ax; mov si,msg; mov dx,0x3f8; next: lodsb; test al,al; jz done;
     * out dx,al; jmp next; done: hlt; jmp done}, the text (ending in CR LF and a zero byte) from offset 22, and the
     * boot signature 55 AA.
     */
    public static byte[] serialMarker(String text) {
        byte[] code = {
            (byte) 0xFA, // cli
            0x31, (byte) 0xC0, // xor ax,ax
            (byte) 0x8E, (byte) 0xD8, // mov ds,ax
            (byte) 0xBE, 0x16, 0x7C, // mov si,0x7c16 (the text at offset 22)
            (byte) 0xBA, (byte) 0xF8, 0x03, // mov dx,0x3f8
            (byte) 0xAC, // next: lodsb
            (byte) 0x84, (byte) 0xC0, // test al,al
            0x74, 0x03, // jz done
            (byte) 0xEE, // out dx,al
            (byte) 0xEB, (byte) 0xF8, // jmp next
            (byte) 0xF4, // done: hlt
            (byte) 0xEB, (byte) 0xFD, // jmp done
        };
        byte[] msg = (text + "\r\n").getBytes(StandardCharsets.US_ASCII);
        if (code.length + msg.length + 1 > 446) {
            throw new IllegalArgumentException("the text does not fit before the partition table");
        }
        byte[] s = new byte[512];
        System.arraycopy(code, 0, s, 0, code.length);
        System.arraycopy(msg, 0, s, code.length, msg.length);
        s[510] = 0x55;
        s[511] = (byte) 0xAA;
        return s;
    }

    /**
     * A hard disk image of {@code sectors} sectors whose MBR is {@link #serialMarker} with one active partition
     * (type 0x06) from sector 1 to the end: what El Torito hard disk emulation wants.
     */
    public static byte[] markerDisk(String text, int sectors) {
        byte[] d = new byte[sectors * 512];
        System.arraycopy(serialMarker(text), 0, d, 0, 512);
        int o = 446;
        d[o] = (byte) 0x80;
        d[o + 4] = 0x06;
        put32(d, o + 8, 1);
        put32(d, o + 12, sectors - 1);
        // CHS fields: the largest values (LBA only), as tools write for disks past CHS reach
        d[o + 1] = (byte) 0xFE;
        d[o + 2] = (byte) 0xFF;
        d[o + 3] = (byte) 0xFF;
        d[o + 5] = (byte) 0xFE;
        d[o + 6] = (byte) 0xFF;
        d[o + 7] = (byte) 0xFF;
        return d;
    }

    private static void put32(byte[] b, int o, long v) {
        for (int i = 0; i < 4; i++) {
            b[o + i] = (byte) (v >> (8 * i));
        }
    }
}
