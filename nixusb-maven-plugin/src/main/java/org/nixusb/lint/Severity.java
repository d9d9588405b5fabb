package org.nixusb.lint;

/** How bad a finding is: an error stops some firmware from booting the stick; a warning is a risk; info is a note. */
public enum Severity {
    ERROR, WARNING, INFO;

    /** Parses {@code error}, {@code warning}, {@code info}; {@code none} is null (nothing fails). */
    public static Severity parseThreshold(String s) {
        String n = s == null ? "" : s.strip().toLowerCase(java.util.Locale.ROOT);
        return switch (n) {
            case "error" -> ERROR;
            case "warning" -> WARNING;
            case "info" -> INFO;
            case "none" -> null;
            default -> throw new IllegalArgumentException("'" + s + "' is not a severity (error, warning, info, none)");
        };
    }

    /** Whether a finding of this severity reaches {@code threshold} (null: nothing does). */
    public boolean reaches(Severity threshold) {
        return threshold != null && ordinal() <= threshold.ordinal();
    }
}
