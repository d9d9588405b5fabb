package org.nixusb.remaster;

import org.nixusb.OptionValues;

/** Whether the remaster writes a {@code /boot/grub/loopback.cfg} (for booting the image as an ISO file). */
public enum LoopbackMode {
    /**
     * Wherever the remaster writes the image's tree and the image's live system is one whose initramfs can be told to
     * find its root in an ISO file; a source that is copied byte for byte (a stick already, nothing asked) stays a copy.
     */
    AUTO,
    /** As {@code auto}, and also on a source that would be copied: it becomes a layout-keeping edit. */
    ADD,
    /** Never: a source's own file stays as it is, none is written. */
    NONE;

    /** How users write it. */
    public String id() {
        return OptionValues.id(this);
    }

    /** Parses a user's value; the message lists the valid ones. */
    public static LoopbackMode parse(String s) {
        return OptionValues.parse(LoopbackMode.class, s, "a loopback mode");
    }

    @Override
    public String toString() {
        return id();
    }
}
