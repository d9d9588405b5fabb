package org.nixusb.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code sgdisk -v} finds wrong with an image, as a list: each "Problem:", "Warning!" or "Caution:" paragraph
 * and "Invalid partition data!", with its numbers replaced by '#' (a grown image's sizes differ from its source's
 * for the same kind of problem). A test compares lists, so that an output with a new problem fails even where its
 * source already had one.
 * <p>
 * sgdisk verifies the GPT it holds in memory, and when the image has none it makes one up and still says "No
 * problems found" with exit status 0: "Creating new GPT entries in memory" (no GPT header anywhere) and "Found
 * invalid GPT and valid MBR; converting MBR to GPT format" (an MBR only, or both GPT copies damaged). Both are
 * reported here as problems ({@link #NO_GPT}, {@link #INVALID_GPT}), as is a non-zero exit status, so that an empty
 * list proves a GPT sgdisk read from the image.
 */
public final class SgdiskReport {
    private SgdiskReport() {
    }

    /** sgdisk found no GPT header at all and made an empty GPT up in memory. */
    public static final String NO_GPT = "No GPT: sgdisk created new GPT entries in memory";
    /** sgdisk found no valid GPT beside a valid MBR and converted the MBR in memory. */
    public static final String INVALID_GPT = "No valid GPT: sgdisk converted the MBR to a GPT in memory";

    public static List<String> problems(Path image) throws Exception {
        HostTools.require("sgdisk");
        Process p = new ProcessBuilder("sgdisk", "-v", image.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sgdisk -v " + image + " timed out");
        }
        return parse(text, p.exitValue());
    }

    static List<String> parse(String report) {
        return parse(report, 0);
    }

    static List<String> parse(String report, int exitStatus) {
        List<String> out = new ArrayList<>();
        if (exitStatus != 0) {
            out.add("sgdisk exited with status " + exitStatus);
        }
        if (report.contains("Creating new GPT entries in memory")) {
            out.add(NO_GPT);
        }
        if (report.contains("Found invalid GPT and valid MBR")) {
            out.add(INVALID_GPT);
        }
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
