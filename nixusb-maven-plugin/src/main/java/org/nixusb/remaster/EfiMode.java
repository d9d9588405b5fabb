package org.nixusb.remaster;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

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

    /** The name users write: {@code auto}, {@code keep}, {@code create}, {@code none}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a user's value; the message lists the valid ones. */
    public static EfiMode parse(String s) {
        for (EfiMode m : values()) {
            if (m.id().equalsIgnoreCase(s == null ? "" : s.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not an EFI mode (use " + Arrays.stream(values())
                .map(EfiMode::id).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return id();
    }
}
