package org.nixusb;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Parses {@code project.build.outputTimestamp} (ISO 8601 or epoch seconds) and {@code SOURCE_DATE_EPOCH}. */
public final class BuildTimestamp {
    private BuildTimestamp() {
    }

    /**
     * @return the instant, or null when neither is set (a one-character value disables the POM's)
     * @throws IllegalArgumentException when the value cannot be parsed
     */
    public static Instant resolve(String outputTimestamp, String sourceDateEpoch) {
        if (outputTimestamp != null && outputTimestamp.strip().length() > 1) {
            return parse(outputTimestamp.strip(), "project.build.outputTimestamp");
        }
        if (sourceDateEpoch != null && !sourceDateEpoch.isBlank()) {
            return parse(sourceDateEpoch.strip(), "SOURCE_DATE_EPOCH");
        }
        return null;
    }

    private static Instant parse(String value, String what) {
        if (value.matches("\\d+")) {
            return Instant.ofEpochSecond(Long.parseLong(value));
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(what + " '" + value
                        + "' is neither an ISO 8601 date-time (2024-01-01T00:00:00Z) nor seconds since 1970");
            }
        }
    }
}
