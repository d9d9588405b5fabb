package org.nixusb.mojo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The stick size parameter, as users write it. */
class BootMojoTest {
    @Test
    void stickSizesReadAsUsersWriteThem() {
        assertEquals(8L << 30, BootMojo.parseSize("8G"));
        assertEquals(16L << 30, BootMojo.parseSize("16GiB"));
        assertEquals(16L << 30, BootMojo.parseSize(" 16 gb "));
        assertEquals(512L << 20, BootMojo.parseSize("512M"));
        assertEquals(1L << 40, BootMojo.parseSize("1T"));
        assertEquals(4096, BootMojo.parseSize("4096"));
        assertEquals(0, BootMojo.parseSize("0"));
        for (String bad : new String[] {"", "8X", "-1G", "8.5G", "G", "999999999999999T"}) {
            assertThrows(IllegalArgumentException.class, () -> BootMojo.parseSize(bad), bad);
        }
    }
}
