package org.nixusb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.RecordingLog;

/** Progress lines on a clock the test moves: quiet for 3 s, then one line per 5 s, shared by meters alongside. */
class ProgressMeterTest {
    private long now;
    private final RecordingLog log = new RecordingLog();
    private final List<String> lines = log.lines;

    private void at(double seconds) {
        now = (long) (seconds * 1e9);
    }

    @Test
    void quietAtFirstThenOneLineEveryFiveSeconds() {
        ProgressMeter m = new ProgressMeter(log, "copying", 100L << 20, () -> now);
        at(2.9);
        m.update(10L << 20);
        assertEquals(List.of(), lines, "nothing in the first 3 s");
        at(5.1);
        m.update(50L << 20);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).contains("copying: 50% (50 of 100 MiB, 10 MiB/s, about 5 s left)"), lines.get(0));
        at(9.0);
        m.update(60L << 20);
        assertEquals(1, lines.size(), "not again within 5 s");
        at(10.2);
        m.update(70L << 20);
        assertEquals(2, lines.size());
        at(20.0);
        m.update(100L << 20);
        assertEquals(2, lines.size(), "no line for finished work");
    }

    @Test
    void metersAlongsideShareTheBudget() {
        ProgressMeter copy = new ProgressMeter(log, "copying", 100, () -> now);
        at(1.0);
        ProgressMeter hash = copy.alongside("hashing", 100);
        at(6.0);
        copy.update(50);
        hash.update(40);
        assertEquals(1, lines.size(), "one line for both: " + lines);
        at(11.5);
        hash.update(60);
        copy.update(90);
        assertEquals(2, lines.size(), "one line for both: " + lines);
        assertTrue(lines.get(1).startsWith("  hashing: 60%"), lines.get(1));
    }
}
