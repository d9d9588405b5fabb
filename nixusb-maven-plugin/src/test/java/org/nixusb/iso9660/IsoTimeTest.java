package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** ISO 9660's two date forms (7-byte recording dates, 17-byte digit dates) round-trip in UTC. */
class IsoTimeTest {
    @Test
    void bothFormsRoundTrip() {
        Instant t = Instant.parse("2024-02-29T23:59:58.37Z");
        byte[] lng = IsoTime.encodeLong(t);
        assertEquals("2024022923595837", new String(lng, 0, 16, StandardCharsets.US_ASCII));
        assertEquals(0, lng[16], "offset from UTC");
        assertEquals(t, IsoTime.decodeLong(lng, 0));
        byte[] shrt = IsoTime.encodeShort(t);
        assertEquals(Instant.parse("2024-02-29T23:59:58Z"), IsoTime.decodeShort(shrt, 0), "seconds only");
    }
}
