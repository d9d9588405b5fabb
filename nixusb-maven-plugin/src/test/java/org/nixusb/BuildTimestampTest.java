package org.nixusb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** project.build.outputTimestamp and SOURCE_DATE_EPOCH, as Maven's reproducible-builds convention reads them. */
class BuildTimestampTest {
    @Test
    void theProjectsTimestampWinsInEitherFormat() {
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), BuildTimestamp.resolve("2024-01-01T00:00:00Z", null));
        assertEquals(Instant.parse("2023-12-31T22:00:00Z"), BuildTimestamp.resolve("2024-01-01T00:00:00+02:00",
                "1"));
        assertEquals(Instant.ofEpochSecond(1704067200), BuildTimestamp.resolve("1704067200", "5"));
        assertEquals(Instant.ofEpochSecond(1704067200), BuildTimestamp.resolve(" 1704067200 ", null));
    }

    @Test
    void sourceDateEpochWhenTheProjectHasNoneOrDisablesIt() {
        assertEquals(Instant.ofEpochSecond(42), BuildTimestamp.resolve(null, "42"));
        assertEquals(Instant.ofEpochSecond(42), BuildTimestamp.resolve("", "42"));
        // a one-character value (Maven's convention, e.g. "a") disables the POM's timestamp
        assertEquals(Instant.ofEpochSecond(42), BuildTimestamp.resolve("a", "42"));
        assertNull(BuildTimestamp.resolve("a", null));
        assertNull(BuildTimestamp.resolve(null, " "));
        assertNull(BuildTimestamp.resolve(null, null));
    }

    @Test
    void anUnreadableValueNamesWhereItCameFrom() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BuildTimestamp.resolve("yesterday", null));
        assertTrue(e.getMessage().contains("project.build.outputTimestamp 'yesterday'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BuildTimestamp.resolve(null, "12:00"));
        assertTrue(e.getMessage().startsWith("SOURCE_DATE_EPOCH '12:00'"), e.getMessage());
    }
}
