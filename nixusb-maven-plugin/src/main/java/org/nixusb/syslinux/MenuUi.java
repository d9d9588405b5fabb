package org.nixusb.syslinux;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The syslinux menu the ISOLINUX config loads. */
public enum MenuUi {
    /** menu.c32: a text menu, works on a serial console. */
    MENU,
    /** vesamenu.c32: a graphical menu. */
    VESAMENU,
    /** No menu: the default label boots after the timeout. */
    NONE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a user's value; the message lists the valid ones. */
    public static MenuUi parse(String s) {
        for (MenuUi m : values()) {
            if (m.id().equalsIgnoreCase(s == null ? "" : s.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not a menu (use " + Arrays.stream(values())
                .map(MenuUi::id).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return id();
    }
}
