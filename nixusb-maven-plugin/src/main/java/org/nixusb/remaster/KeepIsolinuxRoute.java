package org.nixusb.remaster;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.Placement;
import org.nixusb.output.ImageDelta;
import org.nixusb.syslinux.SyslinuxInstallation;

/**
 * Route {@code keep-isolinux}: the source boots with ISOLINUX already: its tree and config stay, the system area is
 * written (as isohybrid does), and a GRUB EFI path is made from the ISOLINUX menu where the plan says so.
 */
final class KeepIsolinuxRoute extends RouteExecutor {
    KeepIsolinuxRoute(Context c, BuildLog log) {
        super(c, log);
    }

    @Override
    RemasterResult execute() throws IOException, BadInputException {
        announceNewLayout();
        return hybridOnly(syslinux());
    }

    /** The source boots with ISOLINUX already: keep everything, write the MBR (as isohybrid does). */
    private RemasterResult hybridOnly(SyslinuxInstallation syslinux) throws IOException, BadInputException {
        CatalogEntry boot = catalog.catalog().defaultEntry();
        log.info("The source already boots with ISOLINUX (block " + boot.loadLba()
                + "): keeping its tree and config, adding the isohybrid MBR" + (plan.efi() == EfiMode.CREATE
                ? " and a UEFI path made from its menu" : ""));
        IsolinuxToUefi.Found uefi = plan.isolinuxMenuForUefi();
        byte[] template = readTemplate(syslinux);
        ImageDelta delta = new ImageDelta(volume.image().size());
        if (boot.sectorCount() != 4) {
            long catalogLba = BootRecord.catalogLba(volume.bootRecord());
            delta.write(new byte[] {4, 0}, catalogLba * ImageFile.BLOCK + 32 + 6);
            log.warn("The BIOS boot entry loaded " + boot.sectorCount()
                    + " sectors; set to 4, as isohybrid requires (ISOLINUX loads the rest itself)");
        }
        long size = volume.image().size();
        boolean efiKept = plan.efi() == EfiMode.KEEP;
        KeptConfigs.Edits kept = KeptConfigs.edits(volume, BootMenuFinder.isolinuxConfigPath(volume),
                efiKept ? catalog.efiImages() : List.of(), efiKept, o.kernelArgs(), o.serial());
        logKept(kept, o);
        kept = kept.with(loopbackFromSource(BootMenuFinder.Kind.ISOLINUX));
        boolean overlay = plan.overlay() != null;
        boolean creating = uefi != null && uefi.menu() != null;
        long[] efiRange = null;
        // the tree is edited only when something is added: an ISOLINUX source with nothing to add gets isohybrid's
        // bytes exactly
        Instant mtime = entryTime(o, volume);
        ImageEdit edit = new ImageEdit(volume);
        Placement place = new Placement(edit, volume.path());
        if (overlay) {
            ImageOverlay.addTo(edit, plan.overlay(), mtime, log);
        }
        kept.addTo(edit, volume, o.imageDirectory(), mtime, log);
        CreatedEfi createdEfi = creating ? addGrubEfi(volume, edit, place, loaders, o, uefi.menu(), uefi.origin(),
                mtime, plan.grubArchitectures(), Map.of()) : null;
        List<String> efiTree = addEfiTree(edit, place, mtime, efiKept, createdEfi, kept);
        if (overlay || !kept.treeFiles().isEmpty() || creating || !efiTree.isEmpty()) {
            ImageEdit.Result r = edit.write(delta);
            size = r.volumeBlocks() * ImageFile.BLOCK;
            if (createdEfi != null) {
                efiRange = new long[] {r.efiImageLba() * 4, (r.efiImageSize() + 511) / 512};
                // the source's catalog in its own block, with the new UEFI section after its entries: the BIOS
                // entry, and so ISOLINUX, stay as they are
                BootCatalog source = catalog.catalog();
                List<BootCatalog.Section> sections = new ArrayList<>(source.sections());
                sections.add(new BootCatalog.Section(CatalogEntry.PLATFORM_EFI, new byte[28], List.of(
                        CatalogEntry.noEmulation(CatalogEntry.PLATFORM_EFI, r.efiImageLba(),
                                (int) ((r.efiImageSize() + 511) / 512)))));
                CatalogEntry bios = boot.sectorCount() == 4 ? boot
                        : CatalogEntry.noEmulation(boot.platform(), boot.loadLba(), 4);
                delta.write(new BootCatalog(source.validationPlatform(), bios, sections).encode(),
                        BootRecord.catalogLba(volume.bootRecord()) * ImageFile.BLOCK);
                log.info(String.format("UEFI: created %s (%s)%s from the ISOLINUX menu: %s",
                        edit.shownPath(createdEfi.image()), createdEfi.what(), createdEfi.configs(edit),
                                String.join(", ",
                                uefi.menu().entries().stream().map(BootEntry::title).toList())));
            }
        }
        kept.patch(delta);
        long id = o.mbrId() != null ? o.mbrId() : deriveId(volume.primary().data(), boot.loadLba());
        if (efiRange != null) {
            log.info("UEFI: the created EFI image gets an El Torito entry and becomes the stick's EFI partition ("
                    + plan.layout().id() + " layout)");
        } else if (efiKept) {
            efiRange = catalog.efiRange();
            log.info("UEFI: keeping the source's El Torito EFI image; it becomes the stick's EFI partition ("
                    + plan.layout().id() + " layout)");
        } else {
            log.info("UEFI: none (BIOS-only isohybrid" + (uefi != null ? "; " + uefi.whyNone() : "") + ")");
        }
        long dataEnd = Math.max(volume.primary().volumeSpaceSize() * ImageFile.BLOCK,
                efiRange == null ? 0 : (efiRange[0] + efiRange[1]) * 512);
        AppendedLayout.Request appended = writeSystemArea(plan.layout(), delta, template, size, zeroTail(volume, dataEnd, size), boot.loadLba(), id, efiRange,
                volume.primary().data());
        return output.complete(volume, delta, o.sha256(), o.implantMd5(), result(delta.size())
                .bootFileLba(boot.loadLba()).mbrId(id).syslinux(syslinux.banner()).build(), appended);
    }
}
