package org.nixusb.fuzz;

import java.util.Arrays;

import org.nixusb.eltorito.BootCatalog;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * The El Torito catalog parser on raw bytes: a damaged catalog is refused with an
 * {@link IllegalArgumentException}; a catalog it accepts must encode back to a catalog that parses to
 * the same encoding (nixusb rewrites the catalogs it keeps).
 */
public final class CatalogFuzzer {
    private CatalogFuzzer() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider data) {
        byte[] block = Arrays.copyOf(data.consumeRemainingAsBytes(), 2048);
        BootCatalog c;
        try {
            c = BootCatalog.parse(block);
        } catch (IllegalArgumentException damaged) {
            return;
        }
        byte[] once = c.encode();
        byte[] twice = BootCatalog.parse(once).encode();
        if (!Arrays.equals(once, twice)) {
            throw new IllegalStateException("an accepted catalog does not encode stably");
        }
    }
}
