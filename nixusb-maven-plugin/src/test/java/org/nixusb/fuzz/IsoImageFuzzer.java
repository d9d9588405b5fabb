package org.nixusb.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

import org.nixusb.BadInputException;
import org.nixusb.binary.Bytes;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.hybrid.UsbHybrid;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.output.FileContent;
import org.nixusb.output.ImageDelta;
import org.nixusb.iso9660.ImageEdit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * The ISO 9660 / Rock Ridge reader, the El Torito catalog as the remaster reads it, the USB-hybrid
 * check and the remaster's planning ({@link ImageEdit} adding an ISOLINUX tree and a boot catalog)
 * on damaged images. A damaged image may only be refused with a {@link BadInputException} (or an
 * {@link IOException}); any other exception, a hang or running out of memory is a finding.
 */
public final class IsoImageFuzzer {
    private static final Bases BASES = new Bases(".iso");
    private static final Path FILE = Bases.scratch("iso");
    private static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

    private IsoImageFuzzer() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider data) throws Exception {
        Path file = BASES.damagedFile(data, 64 * 2048, FILE);
        try (IsoVolume v = IsoVolume.open(file)) {
            long bytes = 0;
            for (IsoEntry e : v.walk()) {
                e.path();
                e.mtime();
                e.mode();
                if (!e.isDirectory() && e.size() < 64 * 1024 && (bytes += e.size()) < 4 * 1024 * 1024) {
                    v.read(e);
                }
            }
            if (v.bootRecord() != null) {
                try {
                    BootCatalog.parse(v.image().readBlock(Bytes.u32le(v.bootRecord().data(), 71), "catalog")).encode();
                } catch (IllegalArgumentException damagedCatalog) {
                    // the documented answer for a damaged catalog
                }
            }
            UsbHybrid.of(v);
            UsbHybrid.md5Tags(v);
            ImageEdit edit = new ImageEdit(v);
            edit.addFile("/isolinux/isolinux.bin", FileContent.of(new byte[2048]), SystemUse.S_IFREG | 0444, T);
            edit.addFile("/boot/grub/grub.cfg", FileContent.of("x".getBytes(StandardCharsets.US_ASCII)),
                    SystemUse.S_IFREG | 0444, T);
            edit.setBiosBoot("/isolinux/isolinux.bin", null);
            edit.write(new ImageDelta(v.image().size()));
        } catch (BadInputException | IOException refused) {
            // a clear refusal
        }
    }
}
