package org.nixusb.fuzz;

import java.io.IOException;
import java.nio.file.Path;

import org.nixusb.BadInputException;
import org.nixusb.hybrid.HybridLayout;
import org.nixusb.hybrid.UsbHybrid;
import org.nixusb.inspect.ImageInspection;
import org.nixusb.iso9660.IsoVolume;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * The MBR and GPT readers (the UEFI layout check, the USB-hybrid check and {@code nixusb:inspect})
 * on hybrid images whose system area and backup GPT are damaged. Only a {@link BadInputException}
 * or {@link IOException} may come out.
 */
public final class SystemAreaFuzzer {
    private static final Bases BASES = new Bases(".hybrid");
    private static final Path FILE = Bases.scratch("hybrid");

    private SystemAreaFuzzer() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider data) throws Exception {
        Path file = BASES.damagedFile(data, 34 * 512, FILE);
        try (IsoVolume v = IsoVolume.open(file)) {
            HybridLayout.uefiUsbProblems(v);
            UsbHybrid.of(v);
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
