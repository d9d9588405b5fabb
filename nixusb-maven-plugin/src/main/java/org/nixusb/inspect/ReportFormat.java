package org.nixusb.inspect;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** How {@code inspect} writes its report. */
public enum ReportFormat {
    /** Lines for people. */
    TEXT,
    /** A JSON object for programs. */
    JSON;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The report in this format. */
    public String render(Map<String, Object> report) {
        return this == JSON ? ImageInspection.json(report) : ImageInspection.text(report);
    }

    /** Parses a user's value; the message lists the valid ones. */
    public static ReportFormat parse(String s) {
        for (ReportFormat f : values()) {
            if (f.id().equalsIgnoreCase(s == null ? "" : s.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not a report format (use " + Arrays.stream(values())
                .map(ReportFormat::id).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return id();
    }
}
