package org.nixusb.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code sgdisk -v} finds wrong with an image, as a list: each "Problem:", "Warning!" or "Caution:" paragraph
 * and "Invalid partition data!", with its numbers replaced by '#' (a grown image's sizes differ from its source's
 * for the same kind of problem). A test compares lists, so that an output with a new problem fails even where its
 * source already had one.
 */
public final class SgdiskReport {
    private SgdiskReport() {
    }

    public static List<String> problems(Path image) throws Exception {
        HostTools.require("sgdisk");
        return parse(HostTools.runAllowingFailure("sgdisk", "-v", image.toString()));
    }

    static List<String> parse(String report) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : report.split("\r?\n")) {
            String t = line.strip();
            boolean start = t.startsWith("Problem:") || t.startsWith("Warning") || t.startsWith("Caution")
                    || t.startsWith("Invalid partition data");
            if (start || t.isEmpty() || t.startsWith("Identified ") || t.startsWith("Verification may miss")
                    || t.startsWith("No problems found")) {
                if (cur != null) {
                    out.add(cur.toString().replaceAll("\\d+", "#").replaceAll("\\s+", " ").strip());
                }
                cur = start ? new StringBuilder(t) : null;
            } else if (cur != null) {
                cur.append(' ').append(t);
            }
        }
        if (cur != null) {
            out.add(cur.toString().replaceAll("\\d+", "#").replaceAll("\\s+", " ").strip());
        }
        return out;
    }

    /** The problems {@code output} has that {@code source} has not (a list: each of the source's counts once). */
    public static List<String> added(Path source, Path output) throws Exception {
        List<String> left = new ArrayList<>(problems(output));
        for (String p : problems(source)) {
            left.remove(p);
        }
        return left;
    }
}
