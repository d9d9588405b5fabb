package org.nixusb.remaster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.arch.EfiArch;
import org.nixusb.arch.ImageArchitectures;
import org.nixusb.binary.Bytes;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.bootloader.BootloaderFiles;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.grub.GrubConfig;
import org.nixusb.grub.GrubEfiImage;
import org.nixusb.hybrid.ApplePartitionMap;
import org.nixusb.hybrid.GptSystemArea;
import org.nixusb.hybrid.IsohybridMbr;
import org.nixusb.hybrid.StickLayout;
import org.nixusb.hybrid.IsohybridSystemArea;
import org.nixusb.hybrid.PartitionTable;
import org.nixusb.hybrid.UsbHybrid;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.Placement;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.iso9660.VolumeDescriptor;
import org.nixusb.output.DiskRoom;
import org.nixusb.output.FileContent;
import org.nixusb.output.ImageDelta;
import org.nixusb.syslinux.SyslinuxConfig;
import org.nixusb.syslinux.SyslinuxInstallation;

/**
 * Turns a CD-only bootable ISO into an isohybrid image that boots from a USB stick: adds an ISOLINUX
 * tree whose config comes from the source's systemd-boot entries, makes isolinux.bin the El Torito
 * BIOS entry (keeping the EFI entry), and writes an isohybrid MBR. A source that already boots with
 * ISOLINUX keeps its tree and only gets the MBR, as {@code isohybrid} does.
 */
public final class Remaster {
    private static final int FILE_MODE = SystemUse.S_IFREG | 0444;
    private static final String BOOT_DIR = "/isolinux";
    private static final long MIB = 1024 * 1024;

    private final BuildLog log;
    /** set by {@link #writeSystemArea} for the appended layout, which is laid out on the written image */
    private AppendedLayout.Request appended;

    public Remaster(BuildLog log) {
        this.log = log;
    }

    public RemasterResult run(RemasterOptions o) throws BadInputException, IOException {
        long started = System.nanoTime();
        Path source = o.source().toAbsolutePath().normalize();
        Path output = o.output().toAbsolutePath().normalize();
        // The output starts as a kernel-side byte copy of the source, made while the source is read and the
        // changes are planned (and cancelled, its file deleted, when they fail).
        try (OutputImage out = OutputImage.start(source, output, started, log);
                IsoVolume volume = IsoVolume.open(source);
                BootloaderFiles loaders = BootloaderFiles.of(o.bootloaders())) {
            log.info(String.format("Source %s: %d MiB, volume id '%s'%s%s", source, volume.image().size() / MIB,
                    volume.volumeId(), volume.rockRidge() ? ", Rock Ridge" : ", no Rock Ridge",
                    volume.hasJoliet() ? ", Joliet" : ""));
            String appUse = new String(volume.primary().data(), VolumeDescriptor.OFF_APPLICATION_USE, 12,
                    StandardCharsets.ISO_8859_1);
            if (appUse.startsWith("ISO MD5SUM =") && !o.implantMd5()) {
                log.warn("The source carries an isomd5sum checksum, which the remaster invalidates (it covers sector 0 "
                        + "and the volume descriptors); set the implantMd5 option to implant a new one");
            }
            warnRepairs(volume);
            SourceCatalog catalog = SourceCatalog.read(volume, log);
            SourceMenus found = architectures(volume, catalog, source);
            ImageArchitectures archs = found.archs();
            UsbHybrid.Verdict usb = UsbHybrid.of(volume);
            List<Long> md5Tags = UsbHybrid.md5Tags(volume);
            String asked = askedChanges(o);
            RemasterPlan plan = RemasterPlan.decide(o, usb, catalog, archs, found.hasMenu(), asked, layoutChanges(o),
                    source);
            log.info(plan.describe());
            // a copy or a kept layout that is not already a stick: a CD for processors no PC or UEFI starts
            boolean foreign = (plan.route() == RemasterPlan.Route.COPY || plan.route() == RemasterPlan.Route.KEEP_LAYOUT)
                    && !plan.alreadyUsb();
            if (foreign) {
                log.warn("The source's kernels are for " + archNames(archs) + ": no PC BIOS or UEFI boot path can be "
                        + "added, so the output is the source as it is" + (plan.route() == RemasterPlan.Route.COPY ? ""
                        : " with " + asked) + "; nixusb:boot cannot boot it");
                if (plan.route() == RemasterPlan.Route.COPY) {
                    return out.complete(volume, new ImageDelta(volume.image().size()), o.sha256(), o.implantMd5(),
                            new RemasterResult(output, volume.image().size(), "unchanged", -1, sourceMbrId(volume),
                                    null, null, List.of(), null, 0));
                }
                return keepLayout(volume, catalog, o, out);
            }
            if (plan.route() == RemasterPlan.Route.COPY) {
                log.info("The source is already a USB hybrid (BIOS: " + (plan.biosPath() ? usb.biosReason() : "none"
                        + (archs.nonX86Only() ? ", an " + archNames(archs) + " image" : "")) + "; UEFI: "
                        + (usb.uefi() ? usb.uefiReason() : "none") + "): nothing to do, the output is a byte copy"
                        + (md5Tags.isEmpty() ? "" : " (its xorriso MD5 tags stay valid)"));
                if (!usb.uefi()) {
                    log.warn("The source has no El Torito EFI image, so the copy boots from a stick in BIOS only; "
                            + "efi=create adds a GRUB EFI image (it needs a Linux boot menu nixusb can convert)");
                }
                return out.complete(volume, new ImageDelta(volume.image().size()), o.sha256(), o.implantMd5(),
                        new RemasterResult(output, volume.image().size(), "unchanged", -1, sourceMbrId(volume), null,
                                null, List.of(), null, 0));
            }
            if (plan.route() == RemasterPlan.Route.KEEP_LAYOUT) {
                log.info("The source is already a USB hybrid, but " + asked + ": adding them, keeping its layout");
                return keepLayout(volume, catalog, o, out);
            }
            if (plan.alreadyUsb()) {
                log.info("The source is already a USB hybrid, but " + layoutChanges(o) + ": remastering with "
                        + "nixusb's own hybrid layout");
            }
            ApplePartitionMap apm = ApplePartitionMap.read(volume.image().read(0, (int) Math.min(32768,
                    volume.image().size()), "the system area"));
            if (apm != null) {
                log.warn("The source's system area holds an Apple partition map (" + apm.describe() + "), which the "
                        + plan.layout().id() + " layout written in its place replaces: Macs that boot from it "
                        + "(PowerPC, early Intel) no longer find those partitions on the output; the ISO 9660 tree and "
                        + "the El Torito entries are kept");
            }
            if (!md5Tags.isEmpty()) {
                log.warn("The source carries xorriso MD5 checksum tags (blocks " + md5Tags + "), which cover the "
                        + "descriptors and the tree the remaster changes: they will not match the output "
                        + "(xorriso -check_md5 reports a mismatch); checkisomd5-style checks are a separate option");
            }
            if (plan.route() == RemasterPlan.Route.UEFI_ONLY) {
                return uefiOnly(volume, catalog, archs, plan, loaders, o, out);
            }
            SyslinuxInstallation syslinux = o.syslinuxDirectory() != null
                    ? SyslinuxInstallation.find(o.syslinuxDirectory()) : loaders.syslinux();
            log.info("Syslinux: " + syslinux.banner() + " from " + loaders.describe(syslinux.isolinuxBin()));
            if (plan.route() == RemasterPlan.Route.KEEP_ISOLINUX) {
                return hybridOnly(volume, catalog, plan, syslinux, loaders, o, out);
            }
            return convert(volume, catalog, archs, plan, syslinux, loaders, o, out);
        } catch (IOException e) {
            // the output's temporary file is gone by now (closed above)
            if (DiskRoom.isNoSpace(e)) {
                throw DiskRoom.filledUp(output, e);
            }
            throw e;
        }
    }

    /**
     * The plan a run with {@code o} follows, without writing anything (for a look before a build, and for tests):
     * the source is read as {@link #run} reads it.
     */
    public RemasterPlan plan(RemasterOptions o) throws BadInputException, IOException {
        Path source = o.source().toAbsolutePath().normalize();
        try (IsoVolume volume = IsoVolume.open(source)) {
            SourceCatalog catalog = SourceCatalog.read(volume, log);
            SourceMenus found = architectures(volume, catalog, source);
            return RemasterPlan.decide(o, UsbHybrid.of(volume), catalog, found.archs(), found.hasMenu(),
                    askedChanges(o), layoutChanges(o), source);
        }
    }

    /** The source's loader and kernel architectures (logged), and whether it has a boot menu nixusb reads. */
    private record SourceMenus(ImageArchitectures archs, boolean hasMenu) {
    }

    private SourceMenus architectures(IsoVolume volume, SourceCatalog catalog, Path source) throws IOException {
        List<BootMenuFinder.Found> menus;
        boolean unreadable = false;
        try {
            menus = BootMenuFinder.all(volume, catalog.efiImages(), source.getFileName().toString());
        } catch (BadInputException e) {
            menus = List.of(); // the menus are read again, and their problems reported, where one is needed
            unreadable = true;
        }
        ImageArchitectures archs = ImageArchitectures.read(volume, catalog.efiImages(), menus);
        log.info("Architectures: " + archs.summary());
        return new SourceMenus(archs, unreadable || !menus.isEmpty());
    }

    private static String archNames(ImageArchitectures archs) {
        return archs.names();
    }

    /**
     * The source is for other processors than x86 only (arm64, say): it gets no BIOS path (no ISOLINUX, no El Torito
     * BIOS entry, no x86 boot code in the MBR), only the UEFI stick layout over its EFI image: the isohybrid MBR's
     * partitions and GPT with an empty boot code area. efi=create puts GRUB for its architecture in its place.
     */
    private RemasterResult uefiOnly(IsoVolume volume, SourceCatalog catalog, ImageArchitectures archs,
            RemasterPlan plan, BootloaderFiles loaders, RemasterOptions o, OutputImage output)
            throws IOException, BadInputException {
        String what = archNames(archs);
        if (volume.bootRecord() == null || catalog.catalog() == null) {
            throw new BadInputException(volume.path(), "the source is an " + what + " image without an El Torito "
                    + "boot catalog, so there is no UEFI entry to keep or to replace", "Make the source with an El "
                    + "Torito EFI entry (xorriso -e efi.img -no-emul-boot), then remaster it").option("efi");
        }
        EfiMode efi = plan.efi();
        if (archs.nonX86Only()) {
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
        boolean overlay = o.imageDirectory() != null && Files.isDirectory(o.imageDirectory());
        if (overlay) {
            ImageOverlay.addTo(edit, o.imageDirectory(), mtime, log);
        }
        boolean keep = efi == EfiMode.KEEP;
        KeptConfigs.Plan kept = KeptConfigs.plan(volume, null, keep ? catalog.efiImages() : List.of(), keep,
                o.kernelArgs(), o.serial());
        logKept(kept, o);
        kept.addTo(edit, volume, o.imageDirectory(), mtime, log);
        CreatedEfi created = null;
        if (efi == EfiMode.CREATE) {
            BootMenuFinder.Found chosen = MenuFiles.choose(volume, catalog.efiImages(), log);
            Placement place = new Placement(edit, volume.path());
            BootMenu menu = new MenuFiles(volume, catalog.efiImages(), edit, place, mtime, log).resolve(chosen.menu());
            created = addGrubEfi(volume, edit, place, loaders, o, menu, chosen.origin(), mtime,
                    plan.grubArchitectures(), kernelsByEntry(chosen.menu(), chosen, archs));
        }
        long size = volume.image().size();
        long[] efiRange;
        if (overlay || !kept.treeFiles().isEmpty() || created != null) {
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
        writeSystemArea(o.layout(), delta, new byte[IsohybridMbr.TEMPLATE_SIZE], size, zeroTail(volume, dataEnd, size),
                -1, id, efiRange, volume.primary().data());
        return output.complete(volume, delta, o.sha256(), o.implantMd5(), new RemasterResult(output.path(),
                delta.size(), "uefi-only", -1, id, null, null, List.of(), null, 0), appended);
    }

    /**
     * What each entry of {@code read} (the menu as read, whose entries keep their ids when resolved) runs on: the
     * kernel header read for it, by entry id; entries whose kernel was not read are absent.
     */
    private static Map<String, ImageArchitectures.Found> kernelsByEntry(BootMenu read, BootMenuFinder.Found chosen,
            ImageArchitectures archs) {
        Map<String, ImageArchitectures.Found> m = new java.util.LinkedHashMap<>();
        for (BootEntry e : read.entries()) {
            String where = chosen.efiImage() >= 0 ? "EFI image " + (chosen.efiImage() + 1) + ":" + e.kernel()
                    : e.kernel();
            for (ImageArchitectures.Found k : archs.kernels()) {
                if (k.where().equals(where)) {
                    m.put(e.id(), k);
                }
            }
        }
        return m;
    }

    /**
     * The entries of {@code resolved} that ISOLINUX can start on a PC: those whose kernel is not known to be for
     * another processor (an image for several architectures has entries ISOLINUX must not offer). Each left out
     * is said.
     */
    private BootMenu x86Entries(BootMenu resolved, BootMenu read, BootMenuFinder.Found chosen,
            ImageArchitectures archs) throws BadInputException {
        java.util.Set<String> foreign = new java.util.HashSet<>();
        Map<String, ImageArchitectures.Found> kernels = kernelsByEntry(read, chosen, archs);
        for (BootEntry e : read.entries()) {
            ImageArchitectures.Found k = kernels.get(e.id());
            if (k != null && (k.arch() != null && !k.arch().x86() || k.otherProcessor() != null)) {
                foreign.add(e.id());
                log.info("ISOLINUX: left out '" + e.title() + "': its kernel " + e.kernel() + " is for "
                        + k.processor() + " (" + k.detail() + "), which a PC BIOS cannot start");
            }
        }
        if (foreign.isEmpty()) {
            return resolved;
        }
        List<BootEntry> kept = resolved.entries().stream().filter(e -> !foreign.contains(e.id())).toList();
        if (kept.isEmpty()) {
            throw new BadInputException(chosen.origin(), "none of the menu's kernels is for x86, so ISOLINUX would have "
                    + "nothing to boot", "Set the efi option to keep or create: the image boots on UEFI only", null);
        }
        String def = kept.stream().anyMatch(e -> e.id().equals(resolved.defaultId())) ? resolved.defaultId()
                : kept.get(0).id();
        return new BootMenu(kept, def, resolved.timeoutSeconds());
    }

    /** What in the options asks for changes to a source that already boots from USB, or null for nothing. */
    private static String askedChanges(RemasterOptions o) throws IOException {
        if (o.imageDirectory() != null && Files.isDirectory(o.imageDirectory())) {
            try (var s = Files.list(o.imageDirectory())) {
                if (s.findAny().isPresent()) {
                    return "the image directory " + o.imageDirectory() + " adds files";
                }
            }
        }
        if (o.implantMd5()) {
            return "an isomd5sum checksum is to be implanted";
        }
        if (KeptConfigs.asked(o.kernelArgs(), o.serial())) {
            return "kernelArgs or serial are to reach its boot configs";
        }
        return layoutChanges(o);
    }

    /** What in the options asks for a boot layout other than the source's own, or null. */
    private static String layoutChanges(RemasterOptions o) {
        if (o.layout() != StickLayout.ISOHYBRID) {
            return "layout=" + o.layout().id() + " is asked for";
        }
        if (o.syslinuxTemplate() != null && Files.isRegularFile(o.syslinuxTemplate())) {
            return "a syslinux template is given";
        }
        if (o.efi() == EfiMode.CREATE || o.efi() == EfiMode.NONE) {
            return "efi=" + o.efi() + " is asked for";
        }
        if (o.isolinuxDirectory() != null || o.efiImagePath() != null) {
            return "an ISOLINUX directory or EFI image path is configured";
        }
        return null;
    }

    /** The EFI image efi=create added: its path, the ISO copy of its grub.cfg (or null) and what it holds. */
    private record CreatedEfi(String image, List<String> isoConfigs, String what) {
        /** " and <the configs' paths as written>", or "" when GRUB reads only the image's copy. */
        String configs(ImageEdit edit) {
            return isoConfigs.isEmpty() ? "" : " and " + String.join(", ", isoConfigs.stream().map(edit::shownPath)
                    .toList());
        }
    }

    /** Descriptor fields the output corrects ({@link VolumeDescriptor#repairs}), one warning each. */
    private void warnRepairs(IsoVolume volume) {
        for (VolumeDescriptor d : volume.descriptors()) {
            for (String r : d.repairs()) {
                log.warn("Volume descriptor at block " + d.lba() + ": " + r + "; the output has it corrected "
                        + "(Linux mounts the source, xorriso and isoinfo refuse it)");
            }
        }
    }

    /**
     * The source boots from a USB stick already, and only files are to be added (or a checksum implanted):
     * its own layout stays ({@link LayoutKeepingEdit}).
     */
    private RemasterResult keepLayout(IsoVolume volume, SourceCatalog catalog, RemasterOptions o, OutputImage output)
            throws IOException, BadInputException {
        ImageDelta delta = new ImageDelta(volume.image().size());
        Path overlay = o.imageDirectory();
        if (overlay == null || !Files.isDirectory(overlay)) {
            overlay = Files.createTempDirectory(output.tmp().getParent(), output.tmp().getFileName() + ".overlay-");
        }
        try {
            // configs inside an EFI image that is an appended partition are not patched: the edit moves it
            long[] efiRange = catalog.hasEfi() ? catalog.efiRange() : null;
            boolean efiInSession = efiRange != null && (efiRange[0] + efiRange[1]) / 4
                    <= volume.primary().volumeSpaceSize();
            KeptConfigs.Plan kept = KeptConfigs.plan(volume, catalog.bootsIsolinux()
                    ? BootMenuFinder.isolinuxConfigPath(volume) : null, efiInSession ? catalog.efiImages() : List.of(),
                    catalog.hasEfi(), o.kernelArgs(), o.serial());
            if (efiRange != null && !efiInSession && KeptConfigs.asked(o.kernelArgs(), o.serial())) {
                log.warn("kernelArgs/serial: the configs inside the source's EFI partition, appended after the ISO "
                        + "data, are left as they are (the kept layout moves that partition); the tree's configs get "
                        + "them");
            }
            logKept(kept, o);
            kept.patch(delta);
            LayoutKeepingEdit.Result r = new LayoutKeepingEdit(volume, log).plan(overlay, kept,
                    entryTime(o, volume), catalog.catalog(), delta, o.implantMd5());
            log.info(String.format("Kept the source's hybrid layout: %d session(s) edited, %d partition(s) resized%s%s",
                    r.sessionsEdited(), r.partitionsResized(), r.appendedMoved() > 0 ? String.format(
                            ", appended partitions (%d KiB) moved behind the added data", r.appendedMoved() / 1024)
                            : "", r.tagsRewritten() > 0 ? ", " + r.tagsRewritten() + " MD5 tags rewritten" : ""));
        } finally {
            if (!overlay.equals(o.imageDirectory())) {
                Files.deleteIfExists(overlay);
            }
        }
        return output.complete(volume, delta, o.sha256(), o.implantMd5(), new RemasterResult(output.path(),
                delta.size(), "layout-kept", -1, sourceMbrId(volume), null, null, List.of(), null, 0));
    }

    /** The source boots with ISOLINUX already: keep everything, write the MBR (as isohybrid does). */
    private RemasterResult hybridOnly(IsoVolume volume, SourceCatalog catalog, RemasterPlan plan,
            SyslinuxInstallation syslinux,
            BootloaderFiles loaders, RemasterOptions o, OutputImage output) throws IOException, BadInputException {
        CatalogEntry boot = catalog.catalog().defaultEntry();
        log.info("The source already boots with ISOLINUX (block " + boot.loadLba()
                + "): keeping its tree and config, adding the isohybrid MBR" + (catalog.hasEfi() ? "" : " (and a "
                + "UEFI path where the menu allows)"));
        boolean create = plan.efi() == EfiMode.CREATE;
        IsolinuxToUefi.Plan uefi = create ? new IsolinuxToUefi(volume, log).plan(o.efi() == EfiMode.CREATE) : null;
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
        KeptConfigs.Plan kept = KeptConfigs.plan(volume, BootMenuFinder.isolinuxConfigPath(volume),
                efiKept ? catalog.efiImages() : List.of(), efiKept, o.kernelArgs(), o.serial());
        logKept(kept, o);
        boolean overlay = o.imageDirectory() != null && Files.isDirectory(o.imageDirectory());
        boolean creating = uefi != null && uefi.menu() != null;
        long[] efiRange = null;
        if (overlay || !kept.treeFiles().isEmpty() || creating) {
            Instant mtime = entryTime(o, volume);
            ImageEdit edit = new ImageEdit(volume);
            if (overlay) {
                ImageOverlay.addTo(edit, o.imageDirectory(), mtime, log);
            }
            kept.addTo(edit, volume, o.imageDirectory(), mtime, log);
            CreatedEfi createdEfi = creating ? addGrubEfi(volume, edit, new Placement(edit, volume.path()), loaders, o,
                    uefi.menu(), uefi.origin(), mtime, plan.grubArchitectures(), Map.of()) : null;
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
                    + o.layout().id() + " layout)");
        } else if (efiKept) {
            efiRange = catalog.efiRange();
            log.info("UEFI: keeping the source's El Torito EFI image; it becomes the stick's EFI partition ("
                    + o.layout().id() + " layout)");
        } else {
            log.info("UEFI: none (BIOS-only isohybrid" + (uefi != null ? "; " + uefi.whyNone() : "") + ")");
        }
        long dataEnd = Math.max(volume.primary().volumeSpaceSize() * ImageFile.BLOCK,
                efiRange == null ? 0 : (efiRange[0] + efiRange[1]) * 512);
        writeSystemArea(o.layout(), delta, template, size, zeroTail(volume, dataEnd, size), boot.loadLba(), id, efiRange,
                volume.primary().data());
        return output.complete(volume, delta, o.sha256(), o.implantMd5(), new RemasterResult(output.path(),
                delta.size(), "isohybrid-only", boot.loadLba(), id, syslinux.banner(), null, List.of(), null, 0), appended);
    }

    /** Where ISOLINUX and {@code modules} go: {@code /isolinux}, or another directory when that one is taken. */
    private String isolinuxDirectory(Placement place, RemasterOptions o, Map<String, Path> modules)
            throws BadInputException {
        List<String> bootFiles = new ArrayList<>(List.of("isolinux.bin"));
        bootFiles.addAll(modules.keySet());
        String bootDir = place.isolinuxDirectory(o.isolinuxDirectory(), bootFiles);
        if (!bootDir.equals(BOOT_DIR)) {
            log.info("ISOLINUX goes to " + bootDir + (o.isolinuxDirectory() != null ? " (configured)"
                    : ": " + BOOT_DIR + " is taken in the source"));
        }
        return bootDir;
    }

    private RemasterResult convert(IsoVolume volume, SourceCatalog catalog, ImageArchitectures archs,
            RemasterPlan plan, SyslinuxInstallation syslinux,
            BootloaderFiles loaders, RemasterOptions o, OutputImage output) throws IOException, BadInputException {
        Path src = volume.path();
        List<FatFileSystem> efiImages = catalog.efiImages();
        Instant mtime = entryTime(o, volume);
        ImageEdit edit = new ImageEdit(volume);
        Placement place = new Placement(edit, src);
        Map<String, Path> modules = new java.util.LinkedHashMap<>(syslinux.modulesFor(o.ui()));
        BootMenuFinder.Found chosen = null;
        BootMenu menu;
        String origin;
        BootMenu finalMenu;
        BootMenu biosMenu;
        String bootDir = null;
        if (plan.route() == RemasterPlan.Route.MEMDISK_CD) {
            modules.put("memdisk", syslinux.memdisk());
            bootDir = isolinuxDirectory(place, o, modules);
            String copy = Placement.join(bootDir, "cd.iso");
            long size = volume.image().size();
            edit.addFile(copy, FileContent.ofRegions(volume.image().channel(), List.of(new long[] {0, size})),
                    FILE_MODE, mtime);
            log.warn(String.format("MEMDISK: the source boots with a BIOS loader of its own and has no Linux menu and "
                    + "no EFI image, so the stick boots a copy of the whole CD (%d MiB, %s) from memory: ISOLINUX "
                    + "starts it with %s, which the BIOS then boots as a CD; the image grows by that copy, and the "
                    + "machine needs that much memory", size >> 20, copy, Placement.join(bootDir, "memdisk")));
            origin = src.getFileName() + "!El Torito";
            BootEntry entry = new BootEntry("cd", "The CD, from memory (" + copy + ")", Placement.join(bootDir,
                    "memdisk"), List.of(copy), "iso raw", origin);
            menu = new BootMenu(List.of(entry), entry.id(), 0);
            finalMenu = menu;
            biosMenu = menu;
        } else if (plan.route() == RemasterPlan.Route.MEMDISK) {
            modules.put("memdisk", syslinux.memdisk());
            bootDir = isolinuxDirectory(place, o, modules);
            List<SourceCatalog.EmulatedDisk> disks = catalog.emulatedDisks();
            origin = src.getFileName() + "!El Torito";
            List<BootEntry> entries = new ArrayList<>();
            for (int i = 0; i < disks.size(); i++) {
                SourceCatalog.EmulatedDisk disk = disks.get(i);
                String image = disk.path();
                if (image == null) {
                    image = Placement.join(bootDir, (disk.kind().floppy() ? "eltorito-floppy" : "eltorito-disk")
                            + (i == 0 ? "" : "-" + (i + 1)) + ".img");
                    edit.addFile(image, FileContent.ofRegions(volume.image().channel(), List.of(new long[] {
                        disk.lba() * ImageFile.BLOCK, disk.bytes()})), FILE_MODE, mtime);
                    log.info(String.format("MEMDISK: the El Torito %s image (block %d, %d KiB) is no file of the "
                            + "tree: a copy of it is added as %s", disk.kind(), disk.lba(), disk.bytes() / 1024, image));
                }
                entries.add(new BootEntry(i == 0 ? "eltorito" : "eltorito-" + (i + 1), "El Torito " + disk.kind()
                        + " image (" + image + ")", Placement.join(bootDir, "memdisk"), List.of(image),
                        disk.kind().floppy() ? "floppy" : "harddisk", origin));
                log.info("MEMDISK: ISOLINUX starts " + image + " (the " + disk.kind() + " the source boots in El "
                        + "Torito emulation" + (i == 0 ? "" : ", from a section of its catalog") + ") with "
                        + Placement.join(bootDir, "memdisk") + ", which serves it to the BIOS as drive "
                        + (disk.kind().floppy() ? "A:" : "C:"));
            }
            // one image boots at once; several (a multi-boot CD's) are a menu, the catalog's default first
            menu = new BootMenu(entries, entries.get(0).id(), entries.size() == 1 ? 0 : 10);
            finalMenu = menu;
            biosMenu = menu;
        } else {
            chosen = MenuFiles.choose(volume, efiImages, log);
            menu = chosen.menu();
            origin = chosen.origin();
            finalMenu = new MenuFiles(volume, efiImages, edit, place, mtime, log).resolve(menu);
            biosMenu = x86Entries(finalMenu, menu, chosen, archs);
        }
        List<BootEntry> resolved = biosMenu.entries();
        log.info("Boot entries from " + origin + ": " + String.join(", ",
                resolved.stream().map(b -> b.id() + " (" + b.kernel() + ")").toList()) + "; default "
                + biosMenu.defaultEntry().id() + ", timeout " + menu.timeoutSeconds() + " s");

        SyslinuxConfig renderer = new SyslinuxConfig(o.ui(), o.serial(), o.kernelArgs(), volume.volumeId());
        String config;
        if (o.syslinuxTemplate() != null && Files.isRegularFile(o.syslinuxTemplate())) {
            config = renderer.renderTemplate(Files.readString(o.syslinuxTemplate(), StandardCharsets.UTF_8), biosMenu,
                    volume.volumeId());
            log.info("Syslinux config from the template " + o.syslinuxTemplate());
        } else {
            config = renderer.render(biosMenu, origin);
        }
        if (bootDir == null) {
            bootDir = isolinuxDirectory(place, o, modules);
        }
        Placement.Config cfg = place.configPath(bootDir);
        String configPath = cfg.path();
        if (cfg.replaces()) {
            log.warn("The source has " + configPath + ", which ISOLINUX reads before " + bootDir
                    + "/syslinux.cfg: it is replaced by the generated config");
        }
        if (!Placement.parent(configPath).equals(bootDir)) {
            config = SyslinuxConfig.withModuleDirectory(config, bootDir);
        }
        Path isolinuxBin = syslinux.isolinuxBin();
        byte[] bootImage = Files.readAllBytes(isolinuxBin);
        if (!IsohybridMbr.hasHybridSignature(bootImage)) {
            throw new BadInputException(isolinuxBin, "this isolinux.bin has no isohybrid signature (isolinux-debug.bin "
                    + "or a release before 3.72?)", "Use the isolinux.bin of a current syslinux release");
        }
        String bootFile = Placement.join(bootDir, "isolinux.bin");
        edit.addFile(bootFile, FileContent.of(bootImage), FILE_MODE, mtime);
        for (Map.Entry<String, Path> m : modules.entrySet()) {
            edit.addFile(Placement.join(bootDir, m.getKey()), FileContent.of(m.getValue()), FILE_MODE, mtime);
        }
        edit.addFile(configPath, FileContent.of(config.getBytes(StandardCharsets.UTF_8)), FILE_MODE, mtime);
        EfiMode efi = plan.efi();
        CreatedEfi createdEfi = null;
        BootCatalog kept = catalog.withoutBios(efi != EfiMode.KEEP);
        if (efi == EfiMode.CREATE) {
            createdEfi = addGrubEfi(volume, edit, place, loaders, o, finalMenu, origin, mtime,
                    plan.grubArchitectures(), chosen == null ? Map.of() : kernelsByEntry(menu, chosen, archs));
        } else if (efi == EfiMode.KEEP) {
            log.info("UEFI: keeping the source's El Torito EFI image; it becomes the stick's EFI partition ("
                    + o.layout().id() + " layout)");
        } else {
            log.info("UEFI: none (BIOS-only image" + (catalog.hasEfi() ? "; the source's EFI entry is dropped" : "")
                    + ")");
        }
        edit.setBiosBoot(bootFile, kept);
        if (o.imageDirectory() != null && Files.isDirectory(o.imageDirectory())) {
            ImageOverlay.addTo(edit, o.imageDirectory(), mtime, log);
        }
        // the kept EFI path's own configs get kernelArgs and serial as the new ISOLINUX config has them
        KeptConfigs.Plan keptConfigs = KeptConfigs.plan(volume, null, efi == EfiMode.KEEP ? efiImages : List.of(),
                efi == EfiMode.KEEP, o.kernelArgs(), o.serial());
        logKept(keptConfigs, o);
        keptConfigs.addTo(edit, volume, o.imageDirectory(), mtime, log);

        byte[] template = readTemplate(syslinux);
        ImageDelta delta = new ImageDelta(volume.image().size());
        wipeStaleGpt(delta, volume);
        keptConfigs.patch(delta);
        ImageEdit.Result r = edit.write(delta);
        if (createdEfi != null) {
            log.info(String.format("UEFI: created %s (%s)%s", edit.shownPath(createdEfi.image()),
                    createdEfi.what(), createdEfi.configs(edit)));
        }
        log.info(String.format("Added %s with %s; rewrote %d director%s (%d moved), appended %d KiB; "
                + "isolinux.bin at block %d, boot catalog at block %d",
                Placement.parent(edit.shownPath(bootFile)), edit.shownPath(configPath),
                r.directoriesRewritten(), r.directoriesRewritten() == 1 ? "y" : "ies", r.directoriesMoved(),
                r.bytesAppended() / 1024, r.bootFileLba(), r.catalogLba()));
        long id = o.mbrId() != null ? o.mbrId() : deriveId(volume.primary().data(), r.bootFileLba());
        long[] efiRange = null;
        if (efi == EfiMode.CREATE) {
            efiRange = new long[] {r.efiImageLba() * 4, (r.efiImageSize() + 511) / 512};
        } else if (efi == EfiMode.KEEP) {
            efiRange = catalog.efiRange();
        }
        writeSystemArea(o.layout(), delta, template, r.volumeBlocks() * ImageFile.BLOCK, 0, r.bootFileLba(), id, efiRange,
                volume.primary().data());
        return output.complete(volume, delta, o.sha256(), o.implantMd5(), new RemasterResult(output.path(),
                delta.size(), plan.route() == RemasterPlan.Route.MEMDISK ? "memdisk" : plan.route()
                        == RemasterPlan.Route.MEMDISK_CD ? "memdisk-cd" : "converted", r.bootFileLba(),
                id, syslinux.banner(), config,
                resolved.stream().map(BootEntry::id).toList(), null, 0), appended);
    }

    /**
     * Adds a GRUB EFI image for {@code menu} with a loader for each of {@code archs} (the pinned GRUB, or for x64 the
     * configured one), the copies of its config in the tree where each GRUB reads first
     * ({@code /boot/grub/<platform>/grub.cfg}), and makes the image the El Torito UEFI entry.
     */
    private CreatedEfi addGrubEfi(IsoVolume volume, ImageEdit edit, Placement place, BootloaderFiles loaders,
            RemasterOptions o, BootMenu menu, String origin, Instant mtime, List<EfiArch> archs,
            Map<String, ImageArchitectures.Found> kernels) throws IOException, BadInputException {
        Map<EfiArch, Path> grubs = new java.util.LinkedHashMap<>();
        for (EfiArch a : archs) {
            if (a != EfiArch.X64 && a != EfiArch.IA32 && a != EfiArch.AA64) {
                throw new BadInputException(volume.path(), "efi=create makes GRUB for x64, ia32 and aa64 UEFI, not for "
                        + a.id(), "Set the efiArchitectures option to some of x64, ia32, aa64").option(
                                "efiArchitectures");
            }
            grubs.put(a, a == EfiArch.X64 && o.grubEfi() != null ? GrubEfiImage.checkConfigured(o.grubEfi())
                    : loaders.grubEfi(a));
        }
        Map<String, EfiArch> kernelArchs = new java.util.LinkedHashMap<>();
        List<BootEntry> offered = new ArrayList<>();
        for (BootEntry e : menu.entries()) {
            ImageArchitectures.Found k = kernels.get(e.id());
            if (k != null && k.otherProcessor() != null) {
                log.info("GRUB: left out '" + e.title() + "': its kernel " + e.kernel() + " is for "
                        + k.processor() + ", which no UEFI firmware starts");
                continue;
            }
            offered.add(e);
            if (k != null && k.arch() != null) {
                kernelArchs.put(e.id(), k.arch());
                List<EfiArch> by = GrubConfig.startedBy(k.arch(), archs);
                if (by.isEmpty()) {
                    log.info("GRUB: left out '" + e.title() + "': its kernel " + e.kernel() + " is for "
                            + k.arch().id() + ", and the GRUB made is for " + String.join(", ", archs.stream()
                                    .map(EfiArch::id).toList()));
                } else if (by.size() < archs.size()) {
                    log.info("GRUB: '" + e.title() + "' is offered by the " + String.join(" and ", by.stream()
                            .map(EfiArch::id).toList()) + " GRUB only (its kernel is for " + k.arch().id() + ")");
                }
            }
        }
        BootMenu grubMenu = offered.size() == menu.entries().size() || offered.isEmpty() ? menu
                : new BootMenu(offered, offered.stream().anyMatch(e -> e.id().equals(menu.defaultId()))
                        ? menu.defaultId() : offered.get(0).id(), menu.timeoutSeconds());
        String grubCfg = new GrubConfig(o.serial(), o.kernelArgs()).forArchitectures(archs)
                .withKernelArchitectures(kernelArchs).render(grubMenu, volume.volumeId(), origin);
        byte[] fat = GrubEfiImage.build(grubs, grubCfg, deriveId(volume.primary().data(), 0xEF), mtime);
        String efiPath = place.efiImagePath(o.efiImagePath());
        edit.addFile(efiPath, FileContent.of(fat), FILE_MODE, mtime);
        List<String> isoCfgs = new ArrayList<>();
        for (EfiArch a : archs) {
            String isoCfg = "/boot/grub/" + a.grubPlatform() + "/grub.cfg";
            if (!place.canWriteFile(isoCfg)) {
                log.info("UEFI: " + isoCfg + " cannot be added (a directory or file is in the way); GRUB reads "
                        + "the copy of its config inside the EFI image");
                continue;
            }
            if (edit.slot(isoCfg) == ImageEdit.Slot.FILE) {
                log.warn("The source has " + isoCfg + ", which GRUB reads first: it is replaced by the generated "
                        + "config");
            }
            edit.addFile(isoCfg, FileContent.of(grubCfg.getBytes(StandardCharsets.UTF_8)), FILE_MODE, mtime);
            isoCfgs.add(isoCfg);
        }
        edit.setEfiBoot(efiPath);
        List<String> what = new ArrayList<>();
        for (Map.Entry<EfiArch, Path> g : grubs.entrySet()) {
            what.add(g.getKey().loaderPath().substring(1) + ": GRUB from " + loaders.describe(g.getValue()));
        }
        return new CreatedEfi(efiPath, List.copyOf(isoCfgs), fat.length / 1024
                + " KiB FAT; " + String.join("; ", what));
    }

    private void logKept(KeptConfigs.Plan kept, RemasterOptions o) {
        if (!kept.applied().isEmpty()) {
            log.info("Kept boot configs get " + (o.kernelArgs() == null || o.kernelArgs().isBlank() ? ""
                    : "kernelArgs '" + o.kernelArgs().strip() + "'" + (o.serial() ? " and " : ""))
                    + (o.serial() ? "serial" : "") + ": " + String.join(", ", kept.applied()));
        }
        for (String n : kept.notApplied()) {
            log.warn(n);
        }
    }

    /** The time of added entries: the configured one, else the source volume's. */
    private static Instant entryTime(RemasterOptions o, IsoVolume volume) {
        return o.timestamp() != null ? o.timestamp() : volumeTime(volume);
    }

    private static Instant volumeTime(IsoVolume volume) {
        Instant t = volume.primary().modificationDate();
        if (t == null) {
            t = volume.primary().creationDate();
        }
        return t == null ? Instant.EPOCH : t;
    }

    private static byte[] readTemplate(SyslinuxInstallation syslinux) throws IOException, BadInputException {
        byte[] t = Files.readAllBytes(syslinux.isohdpfx());
        if (t.length < IsohybridMbr.TEMPLATE_SIZE) {
            throw new BadInputException(syslinux.isohdpfx(), "an isohybrid MBR template must have 432 bytes, this one has "
                    + t.length, "Reinstall syslinux (Debian: apt-get install --reinstall isolinux)");
        }
        return t;
    }

    private void wipeStaleGpt(ImageDelta out, IsoVolume volume) throws IOException {
        if (volume.image().size() < 1024) {
            return;
        }
        ByteBuffer sig = ByteBuffer.allocate(8);
        FileContent.readFully(volume.image().channel(), 512, sig);
        if (org.nixusb.hybrid.Gpt.signed(sig.array(), 0)) {
            out.write(new byte[512], 512);
            log.warn("The source had a GPT header in sector 1; it no longer matches the image and was cleared");
        }
    }

    /**
     * Writes the system area of {@code layout}: isohybrid's MBR and, for UEFI, the GPT of isohybrid --uefi; a
     * protective MBR and a GPT without overlaps ({@link GptSystemArea}); or isohybrid's MBR alone. Then pads the file.
     *
     * @param efiRange {start, sectors} of the EFI image in 512-byte sectors, or null for BIOS only
     * @param identity bytes the GPT GUIDs are derived from
     */
    private void writeSystemArea(StickLayout layout, ImageDelta out, byte[] template, long imageSize, long freeTail,
            long bootLba, long id, long[] efiRange, byte[] identity) {
        if (layout == StickLayout.APPENDED) {
            // laid out on the written image (AppendedLayout): the partition's session reads the final tree
            out.extendTo((imageSize + ImageFile.BLOCK - 1) / ImageFile.BLOCK * ImageFile.BLOCK);
            appended = new AppendedLayout.Request(template, bootLba, id, efiRange, identity);
            return;
        }
        IsohybridSystemArea.Plan plan = switch (layout) {
            case ISOHYBRID -> IsohybridSystemArea.plan(template, imageSize, freeTail, bootLba, id, efiRange, identity);
            case GPT -> GptSystemArea.plan(template, imageSize, bootLba, id, efiRange, identity);
            case MBR -> GptSystemArea.mbrOnly(template, imageSize, bootLba, id, efiRange);
            case APPENDED -> throw new IllegalStateException();
        };
        out.extendTo(plan.size());
        if (plan.cylinders() > 1024) {
            log.warn("The image has " + plan.cylinders() + " cylinders of 1 MiB, more than the 1024 a CHS partition "
                    + "entry can describe; BIOSes that boot by CHS may not boot it (LBA BIOSes do)");
        }
        for (PartitionTable.Write w : plan.writes()) {
            out.write(w.bytes(), w.position());
        }
        log.info(plan.summary());
    }

    /**
     * How many bytes at the end of the first {@code size} bytes of the source are zeros past {@code dataEnd}
     * (past the volume and the EFI image): room the backup GPT may take, so that a source that already
     * leaves it keeps its size. Looks at most 64 KiB back.
     */
    private static long zeroTail(IsoVolume volume, long dataEnd, long size) throws IOException {
        long start = Math.max(dataEnd, size - 64 * 1024);
        if (start >= size || size > volume.image().size()) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.allocate((int) (size - start));
        FileContent.readFully(volume.image().channel(), start, b);
        byte[] a = b.array();
        int i = a.length;
        while (i > 0 && a[i - 1] == 0) {
            i--;
        }
        return a.length - i;
    }

    /** The disk id the source's MBR has (bytes 440-443). */
    private static long sourceMbrId(IsoVolume volume) throws IOException, BadInputException {
        return Bytes.u32le(volume.image().read(440, 4, "the MBR id"), 0);
    }

    /** A disk id derived from the image's identity: the final primary volume descriptor and the boot file's place. */
    static long deriveId(byte[] pvd, long bootLba) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(pvd);
            sha.update(Long.toString(bootLba).getBytes(StandardCharsets.US_ASCII));
            byte[] d = sha.digest();
            long id = Bytes.u32le(d, 0);
            return id == 0 ? 1 : id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
