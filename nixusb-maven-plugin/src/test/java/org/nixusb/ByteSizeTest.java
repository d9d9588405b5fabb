package org.nixusb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Sizes (the boot goal's stick size), as users write them. */
class ByteSizeTest {
    @Test
    void stickSizesReadAsUsersWriteThem() {
        assertEquals(8L << 30, ByteSize.parse("8G"));
        assertEquals(16L << 30, ByteSize.parse("16GiB"));
        assertEquals(16L << 30, ByteSize.parse(" 16 gb "));
        assertEquals(512L << 20, ByteSize.parse("512M"));
        assertEquals(1L << 40, ByteSize.parse("1T"));
        assertEquals(4096, ByteSize.parse("4096"));
        assertEquals(0, ByteSize.parse("0"));
        for (String bad : new String[] {"", "8X", "-1G", "8.5G", "G", "999999999999999T"}) {
            assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad), bad);
        }
    }
}
