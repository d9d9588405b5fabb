package org.nixusb.qemu;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How QEMU runs the guest. */
public enum Accelerator {
    /** KVM when it is usable (probed once per build), else software emulation. */
    AUTO,
    /** KVM only. */
    KVM,
    /** Software emulation (TCG). */
    TCG;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a user's value; the message lists the valid ones. */
    public static Accelerator parse(String s) {
        for (Accelerator a : values()) {
            if (a.id().equalsIgnoreCase(s == null ? "" : s.strip())) {
                return a;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not an accelerator (use " + Arrays.stream(values())
                .map(Accelerator::id).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return id();
    }
}
