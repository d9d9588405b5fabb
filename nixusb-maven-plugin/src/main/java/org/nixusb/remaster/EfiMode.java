package org.nixusb.remaster;

import org.nixusb.OptionValues;

/** What the remaster does for UEFI. */
public enum EfiMode {
    /** Keep the source's El Torito EFI image, or create one when it has none. */
    AUTO,
    /** Keep the source's El Torito EFI image, byte for byte (signed binaries stay signed). */
    KEEP,
    /** Create a GRUB EFI image with the same menu. */
    CREATE,
    /** No UEFI: a BIOS-only image. */
    NONE;

    /** How users write it. */
    public String id() {
        return OptionValues.id(this);
    }

    /** Parses a user's value; the message lists the valid ones. */
    public static EfiMode parse(String s) {
        return OptionValues.parse(EfiMode.class, s, "an EFI mode");
    }

    @Override
    public String toString() {
        return id();
    }
}
