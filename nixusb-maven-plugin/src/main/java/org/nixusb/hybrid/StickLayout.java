package org.nixusb.hybrid;

import java.util.Locale;

/** How the image is laid out as a disk: which partition tables sector 0 onwards hold. */
public enum StickLayout {
    /**
     * isohybrid's (Debian, Fedora, Arch): an MBR whose partition 1 covers the whole image and whose 0xEF partition
     * lies inside it over the El Torito EFI image, and a GPT describing the same (isohybrid -u). Nested: tools call
     * it overlapping; BIOSes and most UEFI firmware boot it.
     */
    ISOHYBRID,
    /**
     * A GPT behind a protective MBR whose 0xEE entry is active (for legacy BIOSes that want an active entry), with
     * the BIOS boot code in the MBR; partitions for the ISO data before and after the EFI System Partition (typed
     * as such) over the El Torito EFI image: nothing overlaps the tables or another partition (grub-mkrescue's way).
     */
    GPT,
    /** isohybrid's MBR without a GPT: firmware that mistrusts a GPT sees a plain MBR disk with an 0xEF partition. */
    MBR,
    /**
     * xorriso's -partition_offset 16 with an appended ESP (Ubuntu since 22.04): partition 1 from 32 KiB holds the ISO
     * data and an ISO 9660 session of its own, the ESP is appended after it, both in a GPT and a hybrid MBR; nothing
     * overlaps ({@link AppendedSystemArea}).
     */
    APPENDED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StickLayout parse(String s) {
        for (StickLayout l : values()) {
            if (l.id().equalsIgnoreCase(s.strip())) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown layout '" + s + "' (known: isohybrid, gpt, mbr, appended)");
    }
}
