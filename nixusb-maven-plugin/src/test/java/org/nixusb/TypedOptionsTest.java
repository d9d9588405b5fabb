package org.nixusb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.nixusb.inspect.ReportFormat;
import org.nixusb.qemu.Accelerator;
import org.nixusb.qemu.BootMode;
import org.nixusb.remaster.EfiMode;
import org.nixusb.syslinux.MenuUi;

/** Every closed set of options parses from what users write, and a wrong value is told the right ones. */
class TypedOptionsTest {
    private static <T extends Enum<T>> void roundTrips(T[] values, Function<String, T> parse, Function<T, String> id,
            String wrong, String listed) {
        for (T v : values) {
            assertEquals(v, parse.apply(id.apply(v)));
            assertEquals(v, parse.apply(" " + id.apply(v).toUpperCase() + " "));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse.apply(wrong));
        assertTrue(e.getMessage().contains("'" + wrong + "'") && e.getMessage().contains(listed), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse.apply(null));
    }

    @Test
    void eachParsesOnceWithTheValidValuesInItsMessage() {
        roundTrips(EfiMode.values(), EfiMode::parse, EfiMode::id, "keepp", "auto, keep, create, none");
        roundTrips(MenuUi.values(), MenuUi::parse, MenuUi::id, "gfx", "menu, vesamenu, none");
        roundTrips(Accelerator.values(), Accelerator::parse, Accelerator::id, "hvf", "auto, kvm, tcg");
        roundTrips(ReportFormat.values(), ReportFormat::parse, ReportFormat::id, "xml", "text, json");
        assertEquals(List.of(BootMode.UEFI_USB_SECURE, BootMode.BIOS_CDROM),
                BootMode.parseList("uefi-usb-secure, bios-cdrom,,uefi-usb-secure"));
        assertThrows(IllegalArgumentException.class, () -> BootMode.parse("uefi-floppy"));
    }
}
