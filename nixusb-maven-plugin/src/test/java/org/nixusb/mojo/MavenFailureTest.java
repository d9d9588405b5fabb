package org.nixusb.mojo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;

/** The core's neutral cure, with the Maven spelling of the options it names added by the plugin. */
class MavenFailureTest {
    @Test
    void addsEachOptionsUserProperty() {
        BadInputException e = new BadInputException(Path.of("src.iso"), "efi=keep, but the source has no EFI image",
                "Set the efi option to create").option("efi");
        assertEquals("src.iso: efi=keep, but the source has no EFI image. Set the efi option to create "
                + "[in Maven: -Dnixusb.efi=...]", MavenFailure.message(e));
        BadInputException q = new BadInputException("qemu", "QEMU was not found", "Install it", null)
                .option("qemu", "skipBoot", "qemu");
        assertEquals("qemu: QEMU was not found. Install it [in Maven: -Dnixusb.boot.qemu=..., "
                + "-Dnixusb.boot.skip=...]", MavenFailure.message(q));
        assertEquals("x: y. z", MavenFailure.message(new BadInputException("x", "y", "z", null)));
    }
}
