package org.nixusb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nixusb.lint.ImageLint;

/**
 * Judges an image written with {@code layout=appended} by independent readers: sgdisk finds no problem, lint finds
 * nothing that image's isohybrid output does not have, xorriso shows the whole image's trees as the source's, and partition 1 (cut out where sgdisk says it is)
 * is an ISO 9660 file system of its own that shows the same tree.
 */
public final class AppendedCheck {
    private static final Pattern FIRST = Pattern.compile("First sector: (\\d+)");
    private static final Pattern LAST = Pattern.compile("Last sector: (\\d+)");

    private AppendedCheck() {
    }

    /**
     * @param reference the same source remastered with the default layout
     * @param sourceViews the source's tree in each of {@link IsoViews#VIEWS}
     * @param rockRidge whether the source has Rock Ridge (then partition 1 shows the same names, modes and times)
     */
    public static void verify(Path reference, Path out, Map<String, IsoViews.View> sourceViews, boolean rockRidge,
            Path dir) throws Exception {
        verify(reference, out, sourceViews, rockRidge, dir, java.util.Set.of());
    }

    /**
     * @param moved files whose bytes name their own place (a boot catalog, a boot info table) and so change when
     *     they move: their entries may differ from the source's in content only
     */
    public static void verify(Path reference, Path out, Map<String, IsoViews.View> sourceViews, boolean rockRidge,
            Path dir, java.util.Set<String> moved) throws Exception {
        assertEquals(List.of(), SgdiskReport.problems(out), "sgdisk -v finds no problem with the appended layout");
        ImageLint.Report lint = ImageLint.lint(out);
        // nothing the same source's isohybrid output (reference) does not have: an EFI loader's problems are the
        // source's, the partition tables are the layout's
        assertEquals(List.of(), lint.introducedOver(ImageLint.lint(reference), org.nixusb.lint.Severity.INFO),
                lint.text());
        assertTrue(lint.ids().stream().noneMatch(id -> id.contains("PARTITION") || id.startsWith("GPT")
                || id.contains("MBR")), lint.text());
        String info = HostTools.run("sgdisk", "-i", "1", out.toString());
        Matcher f = FIRST.matcher(info);
        Matcher l = LAST.matcher(info);
        assertTrue(f.find() && l.find(), info);
        assertEquals(64, Long.parseLong(f.group(1)), "partition 1 starts at 32 KiB");
        Path part = dir.resolve("partition-1.img");
        cut(out, Long.parseLong(f.group(1)) * 512, (Long.parseLong(l.group(1)) + 1) * 512, part);
        IsoViews.View whole = null;
        for (String view : IsoViews.VIEWS) {
            IsoViews.View now = IsoViews.read(out, view, dir.resolve("appended-" + view));
            assertEquals(0, now.exit(), () -> "xorriso could not read the appended image in view " + view + ":\n"
                    + now.log());
            assertEquals(List.of(), IsoViews.lost(sourceViews.get(view), now, false).stream()
                    .filter(line -> !onlyContentChanged(line, moved)).toList(),
                    "appended layout, view " + view + ": entries lost or changed");
            if (view.equals(rockRidge ? "any" : "ecma119")) {
                whole = now;
            }
        }
        IsoViews.View inPartition = IsoViews.read(part, rockRidge ? "any" : "ecma119", dir.resolve("partition-view"));
        IsoViews.View shown = whole;
        assertEquals(0, inPartition.exit(), () -> "xorriso could not read partition 1:\n" + inPartition.log());
        assertEquals(List.of(), IsoViews.lost(shown, inPartition, false), "partition 1 shows the image's tree");
        assertEquals(shown.entries().size(), inPartition.entries().size(), "partition 1 shows nothing more");
        String isoinfo = HostTools.run("isoinfo", "-d", "-i", part.toString());
        assertTrue(isoinfo.contains("Volume id:"), isoinfo);
        Files.delete(part);
    }

    /** Whether a line of {@link IsoViews#lost} says only that the content of one of {@code moved} changed. */
    private static boolean onlyContentChanged(String line, java.util.Set<String> moved) {
        int colon = line.indexOf(": ");
        int became = line.indexOf(" became ");
        if (colon < 0 || became < colon) {
            return false;
        }
        String path = line.substring(0, colon).toLowerCase(java.util.Locale.ROOT).replaceAll(";1$", "")
                .replaceAll("\\.$", "");
        String before = line.substring(colon + 2, became).replaceAll(", sha256 \\S+", "");
        String after = line.substring(became + 8).replaceAll(", sha256 \\S+", "");
        return moved.contains(path) && before.equals(after);
    }

    /** Copies bytes [from, to) of {@code image} to a new file. */
    public static void cut(Path image, long from, long to, Path dest) throws IOException {
        try (FileChannel in = FileChannel.open(image); FileChannel out = FileChannel.open(dest,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < to - from) {
                done += in.transferTo(from + done, to - from - done, out);
            }
        }
    }
}
