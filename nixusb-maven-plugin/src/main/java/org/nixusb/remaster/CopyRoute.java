package org.nixusb.remaster;

import java.io.IOException;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.output.ImageDelta;

/** Route {@code copy}: the source already boots from a stick (or no PC starts it) and nothing is asked: a byte copy. */
final class CopyRoute extends RouteExecutor {
    CopyRoute(Context c, BuildLog log) {
        super(c, log);
    }

    @Override
    RemasterResult execute() throws IOException, BadInputException {
        if (plan.otherProcessorsOnly()) {
            warnOtherProcessors();
        } else {
            log.info("The source is already a USB hybrid (BIOS: " + (plan.biosPath() ? usb.biosReason() : "none"
                    + (archs.nonX86Only() ? ", an " + archNames(archs) + " image" : "")) + "; UEFI: "
                    + (usb.uefi() ? usb.uefiReason() : "none") + "): nothing to do, the output is a byte copy"
                    + (md5Tags.isEmpty() ? "" : " (its xorriso MD5 tags stay valid)"));
            if (!usb.uefi()) {
                log.warn("The source has no El Torito EFI image, so the copy boots from a stick in BIOS only; "
                        + "efi=create adds a GRUB EFI image (it needs a Linux boot menu nixusb can convert)");
            }
        }
        if (o.loopback() == LoopbackMode.AUTO && volume.findIgnoringCase(LoopbackFile.PATH) == null
                && !plan.otherProcessorsOnly()) {
            log.info("loopback.cfg: none written (the source is copied byte for byte; loopback=add writes one where its live system is known, "
                    + "keeping its layout)");
        }
        return output.complete(volume, new ImageDelta(volume.image().size()), o.sha256(), o.implantMd5(),
                result(volume.image().size()).mbrId(sourceMbrId(volume)).build());
    }
}
