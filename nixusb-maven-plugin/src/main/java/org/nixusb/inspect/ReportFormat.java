package org.nixusb.inspect;

import java.util.Map;

import org.nixusb.OptionValues;

/** How {@code inspect} writes its report. */
public enum ReportFormat {
    /** Lines for people. */
    TEXT,
    /** A JSON object for programs. */
    JSON;

    /** How users write it. */
    public String id() {
        return OptionValues.id(this);
    }

    /** The report in this format. */
    public String render(Map<String, Object> report) {
        return this == JSON ? ImageInspection.json(report) : ImageInspection.text(report);
    }

    /** Parses a user's value; the message lists the valid ones. */
    public static ReportFormat parse(String s) {
        return OptionValues.parse(ReportFormat.class, s, "a report format");
    }

    @Override
    public String toString() {
        return id();
    }
}
