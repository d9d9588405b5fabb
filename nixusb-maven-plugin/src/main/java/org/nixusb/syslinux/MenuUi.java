package org.nixusb.syslinux;

import org.nixusb.OptionValues;

/** The syslinux menu the ISOLINUX config loads. */
public enum MenuUi {
    /** menu.c32: a text menu, works on a serial console. */
    MENU,
    /** vesamenu.c32: a graphical menu. */
    VESAMENU,
    /** No menu: the default label boots after the timeout. */
    NONE;

    /** How users write it. */
    public String id() {
        return OptionValues.id(this);
    }

    /** Parses a user's value; the message lists the valid ones. */
    public static MenuUi parse(String s) {
        return OptionValues.parse(MenuUi.class, s, "a menu");
    }

    @Override
    public String toString() {
        return id();
    }
}
