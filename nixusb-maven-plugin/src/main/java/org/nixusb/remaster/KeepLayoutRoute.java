package org.nixusb.remaster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.output.ImageDelta;

/**
 * Route {@code keep-layout}: the source boots from a stick already (or no PC starts it), and files, configs or a
 * checksum are to be added: its own layout stays ({@link LayoutKeepingEdit}).
 */
final class KeepLayoutRoute extends RouteExecutor {
    KeepLayoutRoute(Context c, BuildLog log) {
        super(c, log);
    }

    @Override
    RemasterResult execute() throws IOException, BadInputException {
        if (plan.otherProcessorsOnly()) {
            warnOtherProcessors();
        } else {
            log.info("The source is already a USB hybrid, but " + plan.changes() + ": adding them, keeping its layout");
        }
        return keepLayout();
    }

    /**
     * The source boots from a USB stick already, and only files are to be added (or a checksum implanted):
     * its own layout stays ({@link LayoutKeepingEdit}).
     */
    private RemasterResult keepLayout() throws IOException, BadInputException {
        ImageDelta delta = new ImageDelta(volume.image().size());
        Path overlay = plan.overlay();
        if (overlay == null) {
            overlay = Files.createTempDirectory(output.tmp().getParent(), output.tmp().getFileName() + ".overlay-");
        }
        try {
            // configs inside an EFI image that is an appended partition are not patched: the edit moves it
            long[] efiRange = catalog.hasEfi() ? catalog.efiRange() : null;
            boolean efiInSession = efiRange != null && (efiRange[0] + efiRange[1]) / 4
                    <= volume.primary().volumeSpaceSize();
            KeptConfigs.Edits kept = KeptConfigs.edits(volume, catalog.bootsIsolinux()
                    ? BootMenuFinder.isolinuxConfigPath(volume) : null, efiInSession ? catalog.efiImages() : List.of(),
                    catalog.hasEfi(), o.kernelArgs(), o.serial());
            if (efiRange != null && !efiInSession && KeptConfigs.asked(o.kernelArgs(), o.serial())) {
                log.warn("kernelArgs/serial: the configs inside the source's EFI partition, appended after the ISO "
                        + "data, are left as they are (the kept layout moves that partition); the tree's configs get "
                        + "them");
            }
            logKept(kept, o);
            kept = kept.with(loopbackFromSource(null));
            kept.patch(delta);
            LayoutKeepingEdit.Result r = new LayoutKeepingEdit(volume, log).write(overlay, kept,
                    entryTime(o, volume), catalog.catalog(), delta, o.implantMd5());
            log.info(String.format("Kept the source's hybrid layout: %d session(s) edited, %d partition(s) resized%s%s",
                    r.sessionsEdited(), r.partitionsResized(), r.appendedMoved() > 0 ? String.format(
                            ", appended partitions (%d KiB) moved behind the added data", r.appendedMoved() / 1024)
                            : "", r.tagsRewritten() > 0 ? ", " + r.tagsRewritten() + " MD5 tags rewritten" : ""));
        } finally {
            if (!overlay.equals(plan.overlay())) {
                Files.deleteIfExists(overlay);
            }
        }
        return output.complete(volume, delta, o.sha256(), o.implantMd5(), result(delta.size())
                .mbrId(sourceMbrId(volume)).build());
    }
}
