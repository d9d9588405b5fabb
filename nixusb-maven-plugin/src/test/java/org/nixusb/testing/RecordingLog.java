package org.nixusb.testing;

import java.util.ArrayList;
import java.util.List;

import org.nixusb.BuildLog;

/** A build log that keeps its lines (warnings prefixed with "WARN "), for tests that check what was said. */
public final class RecordingLog implements BuildLog {
    public final List<String> lines = new ArrayList<>();

    @Override
    public void info(String message) {
        lines.add(message);
    }

    @Override
    public void warn(String message) {
        lines.add("WARN " + message);
    }

    /** Whether any line contains {@code part}. */
    public boolean has(String part) {
        return lines.stream().anyMatch(l -> l.contains(part));
    }
}
