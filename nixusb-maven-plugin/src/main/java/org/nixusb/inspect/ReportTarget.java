package org.nixusb.inspect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a report (of {@code inspect} or {@code lint}) may be written: never over an image. An image is the file
 * reported on, the remaster's output, or any existing file that is not text (a NUL byte in its first 8 KiB; a
 * report is text, an ISO or disk image has NUL bytes in its system area).
 */
public final class ReportTarget {
    private ReportTarget() {
    }

    /**
     * Why {@code report} must not be written, or null when it may.
     *
     * @param report the report file asked for, or null (printed only)
     * @param images the files that are images whatever their content (the image reported on, the remaster's
     *        output, even before it exists); null entries are ignored
     * @param goal the report's name, for the message ("inspect", "lint")
     */
    public static String refusal(Path report, String goal, Path... images) {
        if (report == null) {
            return null;
        }
        Path r = report.toAbsolutePath().normalize();
        boolean image = false;
        for (Path i : images) {
            image |= i != null && r.equals(i.toAbsolutePath().normalize());
        }
        if (!image && Files.isRegularFile(r)) {
            image = !looksLikeText(r);
        }
        return image ? report + ": the " + goal + " report would be written over an image; nothing was written"
                : null;
    }

    private static boolean looksLikeText(Path file) {
        try (var in = Files.newInputStream(file)) {
            for (byte b : in.readNBytes(8192)) {
                if (b == 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException unreadable) {
            return false;
        }
    }
}
