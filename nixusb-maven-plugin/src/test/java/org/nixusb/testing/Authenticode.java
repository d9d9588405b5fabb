package org.nixusb.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An independent reading of a signed program's Authenticode SHA-256: osslsigncode's "Calculated message digest". */
public final class Authenticode {
    private Authenticode() {
    }

    /** The digest osslsigncode calculates for {@code program} (signed by one signature), lower-case hex. */
    public static String osslsigncodeDigest(Path program) throws Exception {
        HostTools.require("osslsigncode");
        String out = HostTools.runAllowingFailure("osslsigncode", "verify", "-in", program.toString());
        Matcher m = Pattern.compile("Calculated message digest\\s*:\\s*([0-9A-Fa-f]{64})").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1).toLowerCase(Locale.ROOT);
    }
}
