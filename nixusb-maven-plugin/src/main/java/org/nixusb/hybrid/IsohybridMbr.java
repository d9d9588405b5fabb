package org.nixusb.hybrid;

import org.nixusb.binary.Bytes;


/**
 * Sector 0 of an isohybrid image (the layout of syslinux's isohybrid, BIOS mode): the 432-byte
 * isohdpfx boot code, the boot file's LBA in 512-byte sectors at 432, the disk id at 440, and one
 * active partition entry covering the image padded to whole cylinders.
 */
public final class IsohybridMbr {
    public static final int TEMPLATE_SIZE = 432;
    public static final int DEFAULT_HEADS = 64;
    public static final int DEFAULT_SECTORS = 32;
    public static final int DEFAULT_TYPE = 0x17;

    private final byte[] template;
    private final int heads;
    private final int sectors;
    private final int partitionType;

    public IsohybridMbr(byte[] template) {
        this(template, DEFAULT_HEADS, DEFAULT_SECTORS, DEFAULT_TYPE);
    }

    public IsohybridMbr(byte[] template, int heads, int sectors, int partitionType) {
        if (template.length < TEMPLATE_SIZE) {
            throw new IllegalArgumentException("an isohybrid MBR template has " + TEMPLATE_SIZE + " bytes, this one "
                    + template.length);
        }
        if (heads < 1 || heads > 256 || sectors < 1 || sectors > 63) {
            throw new IllegalArgumentException("geometry " + heads + " heads x " + sectors + " sectors is out of range");
        }
        this.template = template;
        this.heads = heads;
        this.sectors = sectors;
        this.partitionType = partitionType;
    }

    public long cylinderSize() {
        return (long) heads * sectors * 512;
    }

    /** The file size after padding to whole cylinders. */
    public long paddedSize(long size) {
        long cyl = cylinderSize();
        return size % cyl == 0 ? size : size + (cyl - size % cyl);
    }

    /** Cylinders of the padded image (the MBR entry caps the CHS end at 1024). */
    public long cylinders(long size) {
        return paddedSize(size) / cylinderSize();
    }

    /**
     * Builds sector 0.
     *
     * @param imageSize size of the image before padding, in bytes
     * @param bootFileLba LBA (2048-byte blocks) of isolinux.bin
     * @param diskId the MBR disk signature
     */
    public byte[] build(long imageSize, long bootFileLba, long diskId) {
        return build(imageSize, bootFileLba, diskId, -1, 0);
    }

    /**
     * Builds sector 0 for an image that also boots UEFI from a disk (isohybrid --uefi): partition 1
     * becomes type 0x00 and slot 2 an 0xEF partition over the El Torito EFI image.
     *
     * @param efiStart first 512-byte sector of the EFI image, or -1 for a BIOS-only MBR
     * @param efiSectors its size in 512-byte sectors
     */
    public byte[] build(long imageSize, long bootFileLba, long diskId, long efiStart, long efiSectors) {
        byte[] s = new byte[512];
        System.arraycopy(template, 0, s, 0, TEMPLATE_SIZE);
        Bytes.put32le(s, 432, bootFileLba * 4);
        Bytes.put32le(s, 436, 0);
        Bytes.put32le(s, 440, diskId);
        s[444] = 0;
        s[445] = 0;
        long c = cylinders(imageSize);
        long cc = Math.min(c, 1024);
        int offset = 0;
        long psize = c * heads * sectors - offset;
        int bhead = (offset / sectors) % heads;
        int bsect = (offset % sectors) + 1;
        int bcyl = offset / (heads * sectors);
        bsect |= (bcyl & 0x300) >> 2;
        bcyl &= 0xFF;
        int ehead = heads - 1;
        int esect = sectors + (int) (((cc - 1) & 0x300) >> 2);
        int ecyl = (int) ((cc - 1) & 0xFF);
        int e = 446;
        s[e] = (byte) 0x80;
        s[e + 1] = (byte) bhead;
        s[e + 2] = (byte) bsect;
        s[e + 3] = (byte) bcyl;
        s[e + 4] = (byte) (efiStart >= 0 ? 0x00 : partitionType);
        s[e + 5] = (byte) ehead;
        s[e + 6] = (byte) esect;
        s[e + 7] = (byte) ecyl;
        Bytes.put32le(s, e + 8, offset);
        Bytes.put32le(s, e + 12, psize);
        if (efiStart >= 0) {
            int f = 446 + 16;
            byte[] chs = {0x00, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xEF, (byte) 0xFE, (byte) 0xFF,
                (byte) 0xFF};
            System.arraycopy(chs, 0, s, f, 8);
            Bytes.put32le(s, f + 8, efiStart);
            Bytes.put32le(s, f + 12, efiSectors);
        }
        Mbr.sign(s);
        return s;
    }

    /** True when the first 1024 bytes of a boot file carry ISOLINUX's hybrid signature at 0x40. */
    public static boolean hasHybridSignature(byte[] bootFileStart) {
        return bootFileStart.length >= 0x44 && Bytes.u32le(bootFileStart, 0x40) == 0x7078C0FBL;
    }
}
