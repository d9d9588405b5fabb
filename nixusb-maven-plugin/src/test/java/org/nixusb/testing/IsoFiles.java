package org.nixusb.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** One file of an ISO image, as xorriso (an independent reader, in its Rock Ridge view) extracts it. */
public final class IsoFiles {
    private IsoFiles() {
    }

    /** Extracts {@code path} of {@code iso} to {@code to} (replacing it) and returns its bytes. */
    public static byte[] extract(Path iso, String path, Path to) throws Exception {
        HostTools.require("xorriso");
        Files.deleteIfExists(to);
        HostTools.run("xorriso", "-osirrox", "on", "-indev", iso.toString(), "-extract", path, to.toString());
        return Files.readAllBytes(to);
    }

    /** The same as text in ISO-8859-1 (every byte one character, so any config reads back whole). */
    public static String extractText(Path iso, String path, Path to) throws Exception {
        return new String(extract(iso, path, to), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
