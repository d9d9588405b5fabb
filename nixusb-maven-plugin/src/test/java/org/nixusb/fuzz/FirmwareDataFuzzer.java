package org.nixusb.fuzz;

import java.nio.file.Path;
import java.util.Arrays;

import org.nixusb.BadInputException;
import org.nixusb.efivars.SignatureList;
import org.nixusb.efivars.VariableStore;
import org.nixusb.pe.PeImage;
import org.nixusb.pe.Sbat;
import org.nixusb.secureboot.SbatLevels;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * The readers of Secure Boot data on raw bytes. The first byte picks one: an edk2 variable store (refused with a
 * {@link BadInputException}; one it accepts lays out again to a store that reads to the same variables), EFI
 * signature lists (refused with an {@link IllegalArgumentException}; accepted ones write back to the same bytes),
 * or a PE program's sections, Authenticode hash, SBAT and a shim's own levels (none may throw).
 */
public final class FirmwareDataFuzzer {
    private FirmwareDataFuzzer() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider data) throws Exception {
        int which = data.consumeInt(0, 2);
        byte[] b = data.consumeRemainingAsBytes();
        switch (which) {
            case 0 -> store(b);
            case 1 -> lists(b);
            default -> {
                PeImage.sections(b);
                PeImage.authenticodeSha256(b);
                PeImage.certificateTable(b);
                Sbat s = Sbat.of(b);
                if (s != null) {
                    s.levels();
                    s.problems();
                }
                SbatLevels.embedded(b);
            }
        }
    }

    private static void store(byte[] b) throws Exception {
        VariableStore s;
        try {
            s = VariableStore.read(b, Path.of("fuzzed.fd"));
        } catch (BadInputException refused) {
            return;
        }
        if (s.used() > s.capacity()) {
            throw new IllegalStateException("a store read whose variables do not fit it");
        }
        VariableStore again = VariableStore.read(s.write(), Path.of("fuzzed.fd"));
        if (!again.variables().equals(s.variables())) {
            throw new IllegalStateException("a store laid out again reads to other variables");
        }
    }

    private static void lists(byte[] b) {
        java.util.List<SignatureList> l;
        try {
            l = SignatureList.read(b);
        } catch (IllegalArgumentException refused) {
            return;
        }
        byte[] written = SignatureList.write(l);
        if (!Arrays.equals(written, b) && !Arrays.equals(SignatureList.write(SignatureList.read(written)), written)) {
            throw new IllegalStateException("accepted signature lists do not write back stably");
        }
    }
}
