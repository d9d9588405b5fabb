package org.nixusb.qemu;

import org.nixusb.OptionValues;

/** How QEMU runs the guest. */
public enum Accelerator {
    /** KVM when it is usable (probed once per build), else software emulation. */
    AUTO,
    /** KVM only. */
    KVM,
    /** Software emulation (TCG). */
    TCG;

    /** How users write it. */
    public String id() {
        return OptionValues.id(this);
    }

    /** Parses a user's value; the message lists the valid ones. */
    public static Accelerator parse(String s) {
        return OptionValues.parse(Accelerator.class, s, "an accelerator");
    }

    @Override
    public String toString() {
        return id();
    }
}
