package org.nixusb.fuzz;

import java.io.IOException;
import java.nio.file.Path;

import org.nixusb.BadInputException;
import org.nixusb.hybrid.UefiStickCheck;
import org.nixusb.hybrid.UsbHybrid;
import org.nixusb.inspect.ImageInspection;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.output.ImageDelta;
import org.nixusb.remaster.LayoutKeepingEdit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * The MBR and GPT readers (the UEFI layout check, the USB-hybrid check, {@code nixusb:lint} and
 * {@code nixusb:inspect}) on hybrid images whose system area and backup GPT are damaged. Only a {@link BadInputException}
 * or {@link IOException} may come out.
 */
public final class SystemAreaFuzzer {
    private static final Bases BASES = new Bases(".hybrid");
    private static final Path FILE = Bases.scratch("hybrid");

    private static final java.time.Instant T = java.time.Instant.parse("2024-01-01T00:00:00Z");
    private static Path overlay;

    private SystemAreaFuzzer() {
    }

    private static Path overlay() throws IOException {
        if (overlay == null) {
            Path d = java.nio.file.Files.createTempDirectory("nixusb-fuzz-overlay");
            java.nio.file.Files.createDirectories(d.resolve("added"));
            java.nio.file.Files.writeString(d.resolve("added/file.txt"), "added\n");
            d.resolve("added/file.txt").toFile().deleteOnExit();
            d.resolve("added").toFile().deleteOnExit();
            d.toFile().deleteOnExit();
            overlay = d;
        }
        return overlay;
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider data) throws Exception {
        Path file = BASES.damagedFile(data, 34 * 512, FILE);
        try {
            // lint judges any file, ISO or not: a damaged system area is findings, never a crash
            org.nixusb.lint.ImageLint.Report r = org.nixusb.lint.ImageLint.lint(file);
            r.text();
            r.json();
        } catch (BadInputException | IOException refused) {
            // too small to judge
        }
        try (IsoVolume v = IsoVolume.open(file)) {
            UefiStickCheck.uefiUsbProblems(v);
            UsbHybrid.of(v);
            // adding a file while keeping the layout: partition tables, second sessions, MD5 tags and array
            new LayoutKeepingEdit(v, org.nixusb.BuildLog.SILENT).write(overlay(), T, null, new ImageDelta(v.image().size()), false);
        } catch (BadInputException | IOException refused) {
            return;
        }
        try {
            ImageInspection.text(ImageInspection.inspect(file));
        } catch (BadInputException | IOException refused) {
            // reported
        }
    }
}
