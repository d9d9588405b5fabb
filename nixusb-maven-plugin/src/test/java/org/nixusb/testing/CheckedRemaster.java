package org.nixusb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.checksum.Sha256File;
import org.nixusb.remaster.Remaster;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.remaster.RemasterResult;

/**
 * Runs a remaster with the SHA-256 on and checks it against the written file. The hash is computed
 * from the source and the planned changes while the source is copied, so every remaster test that
 * uses this also checks that the plan and the written image agree byte for byte.
 */
public final class CheckedRemaster {
    private CheckedRemaster() {
    }

    public static RemasterResult run(RemasterOptions options) throws IOException, BadInputException {
        return run(BuildLog.SILENT, options);
    }

    /** {@link #run(RemasterOptions)}, logging to {@code log}. */
    public static RemasterResult run(BuildLog log, RemasterOptions options) throws IOException, BadInputException {
        RemasterResult r = new Remaster(log).run(options.withSha256(true));
        assertEquals(Sha256File.sha256(r.output()), r.sha256(),
                "the SHA-256 computed during the remaster must be the written image's");
        return r;
    }
}
