package org.nixusb.remaster;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.hybrid.IsohybridMbr;
import org.nixusb.hybrid.UefiOnlyBootCode;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.Placement;
import org.nixusb.output.ImageDelta;

/**
 * Route {@code uefi-only}: no BIOS path (an image for other processors than x86, or one whose BIOS loader is not
 * ISOLINUX and that has no Linux menu to make ISOLINUX's from): the UEFI stick layout over its EFI image, or a created
 * GRUB path.
 */
final class UefiOnlyRoute extends RouteExecutor {
    UefiOnlyRoute(Context c, BuildLog log) {
        super(c, log);
    }

    @Override
    RemasterResult execute() throws IOException, BadInputException {
        announceNewLayout();
        return uefiOnly();
    }

    /**
     * The source is for other processors than x86 only (arm64, say): it gets no BIOS path (no ISOLINUX, no El Torito
     * BIOS entry, no x86 boot code in the MBR), only the UEFI stick layout over its EFI image: the isohybrid MBR's
     * partitions and GPT with an empty boot code area. efi=create puts GRUB for its architecture in its place.
     */
    private RemasterResult uefiOnly() throws IOException, BadInputException {
        String what = archNames(archs);
        if (volume.bootRecord() == null || catalog.catalog() == null) {
            throw new BadInputException(volume.path(), "the source is an " + what + " image without an El Torito "
                    + "boot catalog, so there is no UEFI entry to keep or to replace", "Make the source with an El "
                    + "Torito EFI entry (xorriso -e efi.img -no-emul-boot), then remaster it").option("efi");
        }
        EfiMode efi = plan.efi();
        if (plan.reason() == RemasterPlan.Reason.NOT_FOR_PC_BIOS) {
            log.info("No BIOS path: the source's EFI loaders and kernels are " + what + " only, and a PC BIOS runs x86 "
                    + "code (no ISOLINUX, no El Torito BIOS entry, no boot code in the MBR); UEFI "
                    + (efi == EfiMode.CREATE ? "gets a created GRUB path" : "keeps the source's EFI image"));
        } else {
            log.warn("No BIOS path on the stick: the source's BIOS boot loader is not ISOLINUX and it has no Linux menu "
                    + "(systemd-boot entries or GRUB menu entries with a linux line) to make ISOLINUX's from, so the "
                    + "stick boots from UEFI only (no boot code in the MBR); its El Torito BIOS entry stays for CDs; "
                    + "UEFI keeps the source's EFI image, which must find the rest of the system on a disk as it "
                    + "does on a CD");
        }
        if (o.syslinuxTemplate() != null || o.isolinuxDirectory() != null) {
            log.warn("The syslinuxTemplate and isolinuxDirectory options do not apply to an " + what + " image (it "
                    + "gets no ISOLINUX): ignored");
        }
        Instant mtime = entryTime(o, volume);
        ImageDelta delta = new ImageDelta(volume.image().size());
        wipeStaleGpt(delta, volume);
        ImageEdit edit = new ImageEdit(volume);
        boolean overlay = plan.overlay() != null;
        if (overlay) {
            ImageOverlay.addTo(edit, plan.overlay(), mtime, log);
        }
        boolean keep = efi == EfiMode.KEEP;
        KeptConfigs.Edits kept = KeptConfigs.edits(volume, null, keep ? catalog.efiImages() : List.of(), keep,
                o.kernelArgs(), o.serial());
        logKept(kept, o);
        kept = kept.with(loopbackFromSource(null));
        kept.addTo(edit, volume, o.imageDirectory(), mtime, log);
        CreatedEfi created = null;
        if (efi == EfiMode.CREATE) {
            BootMenuFinder.Found chosen = MenuFiles.choose(volume, catalog.efiImages(), menus, log);
            Placement place = new Placement(edit, volume.path());
            BootMenu menu = new MenuFiles(volume, catalog.efiImages(), edit, place, mtime, log).resolve(chosen.menu());
            created = addGrubEfi(volume, edit, place, loaders, o, menu, chosen.origin(), mtime,
                    plan.grubArchitectures(), kernelsByEntry(chosen.menu(), chosen, archs));
        }
        List<String> efiTree = addEfiTree(edit, new Placement(edit, volume.path()), mtime, keep, created, kept);
        long size = volume.image().size();
        long[] efiRange;
        if (overlay || !kept.treeFiles().isEmpty() || created != null || !efiTree.isEmpty()) {
            ImageEdit.Result r = edit.write(delta);
            size = r.volumeBlocks() * ImageFile.BLOCK;
            if (created != null) {
                efiRange = new long[] {r.efiImageLba() * 4, (r.efiImageSize() + 511) / 512};
                // the source's catalog block now names only the created image, for UEFI
                CatalogEntry entry = CatalogEntry.noEmulation(CatalogEntry.PLATFORM_EFI, r.efiImageLba(),
                        (int) ((r.efiImageSize() + 511) / 512));
                delta.write(new BootCatalog(CatalogEntry.PLATFORM_EFI, entry, List.of()).encode(),
                        BootRecord.catalogLba(volume.bootRecord()) * ImageFile.BLOCK);
                log.info(String.format("UEFI: created %s (%s)%s", edit.shownPath(created.image()), created.what(),
                        created.configs(edit)));
            } else {
                efiRange = catalog.efiRange();
            }
        } else {
            efiRange = catalog.efiRange();
        }
        kept.patch(delta);
        long id = o.mbrId() != null ? o.mbrId() : deriveId(volume.primary().data(), efiRange[0]);
        long dataEnd = Math.max(volume.primary().volumeSpaceSize() * ImageFile.BLOCK, (efiRange[0] + efiRange[1]) * 512);
        // an x86 image whose BIOS loader cannot start from a disk: a BIOS started from the stick says so and halts
        byte[] code = plan.reason() == RemasterPlan.Reason.OWN_BIOS_LOADER_WITH_EFI
                ? UefiOnlyBootCode.template(IsohybridMbr.TEMPLATE_SIZE) : new byte[IsohybridMbr.TEMPLATE_SIZE];
        AppendedLayout.Request appended = writeSystemArea(plan.layout(), delta, code, size, zeroTail(volume, dataEnd, size),
                -1, id, efiRange, volume.primary().data());
        return output.complete(volume, delta, o.sha256(), o.implantMd5(), result(delta.size())
                .mbrId(id).build(), appended);
    }
}
