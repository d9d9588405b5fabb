package org.nixusb.remaster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.ProgressMeter;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.checksum.IsoMd5Sum;
import org.nixusb.checksum.Sha256File;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.grub.GrubConfig;
import org.nixusb.hybrid.IsohybridMbr;
import org.nixusb.hybrid.IsohybridSystemArea;
import org.nixusb.hybrid.PartitionTable;
import org.nixusb.hybrid.UsbHybrid;
import org.nixusb.iso9660.Bytes;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoFormatException;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.iso9660.VolumeDescriptor;
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

    public Remaster(BuildLog log) {
        this.log = log;
    }

    public RemasterResult run(RemasterOptions o) throws BadInputException, IOException {
        long started = System.nanoTime();
        Path source = o.source().toAbsolutePath().normalize();
        Path output = o.output().toAbsolutePath().normalize();
        checkSource(source);
        Path outDir = prepareOutputDirectory(output);
        if (Files.exists(output) && Files.isSameFile(source, output)) {
            throw new BadInputException(output, "the output is the source ISO itself",
                    "Choose another output file (the output option): the source is never modified").option("output");
        }
        // The output starts as a kernel-side byte copy of the source, made while the source is read and the
        // changes are planned (and cancelled, its file deleted, when they fail).
        long sourceSize = Files.size(source);
        Path tmp = Files.createTempFile(outDir, "." + output.getFileName() + ".", ".part");
        ProgressMeter progress = new ProgressMeter(log, "copying the source", sourceSize);
        try (SourceCopy copy = SourceCopy.start(source, sourceSize, tmp, progress);
                IsoVolume volume = IsoVolume.open(source)) {
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
            BootCatalog catalog = readCatalog(volume);
            Output out = new Output(copy, progress, tmp, output, started);
            UsbHybrid.Verdict usb = UsbHybrid.of(volume);
            List<Long> md5Tags = UsbHybrid.md5Tags(volume);
            String asked = askedChanges(o);
            // a BIOS stick without any EFI image: UEFI could only come from efi=create, which must be asked for
            boolean biosOnlyAsItIs = usb.bios() && !hasEfi(catalog);
            if ((usb.both() || biosOnlyAsItIs) && asked == null) {
                log.info("The source is already a USB hybrid (BIOS: " + usb.biosReason() + "; UEFI: "
                        + (usb.uefi() ? usb.uefiReason() : "none") + "): nothing to do, the output is a byte copy"
                        + (md5Tags.isEmpty() ? "" : " (its xorriso MD5 tags stay valid)"));
                if (!usb.uefi()) {
                    log.warn("The source has no El Torito EFI image, so the copy boots from a stick in BIOS only; "
                            + "efi=create adds a GRUB EFI image (it needs a Linux boot menu nixusb can convert)");
                }
                return complete(volume, new ImageDelta(volume.image().size()), o, out, new RemasterResult(output,
                        volume.image().size(), "unchanged", -1, Bytes.u32le(volume.image().read(440, 4, "the MBR id"), 0),
                        null, null, List.of(), null, 0));
            }
            if ((usb.both() || biosOnlyAsItIs) && layoutChanges(o) == null) {
                log.info("The source is already a USB hybrid, but " + asked + ": adding them, keeping its layout");
                return keepLayout(volume, catalog, o, out);
            }
            if (usb.both() || biosOnlyAsItIs) {
                log.info("The source is already a USB hybrid, but " + layoutChanges(o) + ": remastering with "
                        + "nixusb's own hybrid layout");
            }
            if (!md5Tags.isEmpty()) {
                log.warn("The source carries xorriso MD5 checksum tags (blocks " + md5Tags + "), which cover the "
                        + "descriptors and the tree the remaster changes: they will not match the output "
                        + "(xorriso -check_md5 reports a mismatch); checkisomd5-style checks are a separate option");
            }
            SyslinuxInstallation syslinux = SyslinuxInstallation.find(o.syslinuxDirectory());
            log.info("Syslinux: " + syslinux.banner() + " from " + syslinux.isolinuxBin().getParent());
            if (catalog != null && catalog.defaultEntry().bootable()
                    && isIsolinux(volume, catalog.defaultEntry().loadLba())) {
                return hybridOnly(volume, catalog, syslinux, o, out);
            }
            return convert(volume, catalog, syslinux, o, out);
        } finally {
            Files.deleteIfExists(tmp);
        }
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
        return layoutChanges(o);
    }

    /** What in the options asks for a boot layout other than the source's own, or null. */
    private static String layoutChanges(RemasterOptions o) {
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
    private record CreatedEfi(String image, String isoConfig, String what) {
    }

    /** Where the output goes: the copy being made into a temporary file, and the final name. */
    private record Output(SourceCopy copy, ProgressMeter progress, Path tmp, Path output, long started) {
    }

    private static void checkSource(Path source) throws BadInputException {
        if (!Files.exists(source)) {
            throw new BadInputException(source, "the source ISO does not exist",
                    "Set the source option to the CD-only ISO to remaster").option("source");
        }
        if (!Files.isRegularFile(source)) {
            throw new BadInputException(source, "the source is not a regular file",
                    "Set the source option to an ISO image file").option("source");
        }
        if (!Files.isReadable(source)) {
            throw new BadInputException(source, "the source ISO is not readable", "Fix its permissions");
        }
    }

    private static Path prepareOutputDirectory(Path output) throws BadInputException {
        Path dir = output.getParent();
        if (Files.isDirectory(output)) {
            throw new BadInputException(output, "the output is a directory", "Set the output option to a file name")
                    .option("output");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException(dir.toString(), "cannot create the output directory (" + e + ")",
                    "Choose an output location you can write (the output option)", e).option("output");
        }
        if (!Files.isWritable(dir)) {
            throw new BadInputException(dir, "the output directory is not writable",
                    "Fix its permissions or choose another output location (the output option)").option("output");
        }
        return dir;
    }

    /**
     * The source's El Torito catalog, or null. A damaged boot record or catalog can boot nothing, so it is
     * not a reason to refuse the image: it is reported and replaced by the new catalog. Entries whose image
     * lies outside the file are dropped.
     */
    private BootCatalog readCatalog(IsoVolume volume) throws IOException {
        VolumeDescriptor damaged = volume.damagedBootRecord();
        if (damaged != null) {
            log.warn("The El Torito boot record at block " + damaged.lba() + " is damaged (version " + damaged.version()
                    + ", system identifier '" + damaged.bootSystemId() + "'): the source's El Torito entries are "
                    + "ignored, and the output gets a valid boot record in its place");
            return null;
        }
        VolumeDescriptor br = volume.bootRecord();
        if (br == null) {
            return null;
        }
        long lba = BootRecord.catalogLba(br);
        BootCatalog c;
        try {
            c = BootCatalog.parse(volume.image().readBlock(lba, "the El Torito boot catalog"));
        } catch (IllegalArgumentException | IsoFormatException e) {
            log.warn("The El Torito boot catalog at block " + lba + " is damaged (" + e.getMessage() + "): the "
                    + "source's El Torito entries are ignored, and the output gets a new catalog");
            return null;
        }
        long blocks = volume.image().size() / ImageFile.BLOCK;
        List<BootCatalog.Section> sections = new ArrayList<>();
        for (BootCatalog.Section s : c.sections()) {
            List<CatalogEntry> keep = new ArrayList<>();
            for (CatalogEntry e : s.entries()) {
                if (e.loadLba() >= blocks) {
                    log.warn(String.format("El Torito: the %s entry points at block %d, beyond the end of the image "
                            + "(%d blocks); it is dropped", e.platformName(), e.loadLba(), blocks));
                } else {
                    keep.add(e);
                }
            }
            if (!keep.isEmpty()) {
                sections.add(new BootCatalog.Section(s.platform(), s.idString(), keep));
            }
        }
        c = new BootCatalog(c.validationPlatform(), c.defaultEntry(), sections);
        for (CatalogEntry e : c.entries()) {
            log.info(String.format("El Torito: %s entry at block %d, %d sectors%s", e.platformName(),
                    e.loadLba(), e.sectorCount(), e.bootable() ? "" : " (not bootable)"));
        }
        return c;
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

    private static boolean isIsolinux(IsoVolume volume, long lba) throws IOException {
        if ((lba + 1) * ImageFile.BLOCK > volume.image().size()) {
            return false;
        }
        try {
            return IsohybridMbr.hasHybridSignature(volume.image().readBlock(lba, "the boot image"));
        } catch (IsoFormatException e) {
            return false;
        }
    }

    /**
     * The source boots from a USB stick already, and only files are to be added (or a checksum implanted):
     * its own layout stays ({@link LayoutKeepingEdit}).
     */
    private RemasterResult keepLayout(IsoVolume volume, BootCatalog catalog, RemasterOptions o, Output output)
            throws IOException, BadInputException {
        ImageDelta delta = new ImageDelta(volume.image().size());
        Path overlay = o.imageDirectory();
        if (overlay == null || !Files.isDirectory(overlay)) {
            overlay = Files.createTempDirectory(output.tmp().getParent(), ".nixusb-empty-overlay");
        }
        try {
            LayoutKeepingEdit.Result r = new LayoutKeepingEdit(volume, log).plan(overlay, entryTime(o, volume),
                    catalog, delta, o.implantMd5());
            log.info(String.format("Kept the source's hybrid layout: %d session(s) edited, %d partition(s) resized%s%s",
                    r.sessionsEdited(), r.partitionsResized(), r.appendedMoved() > 0 ? String.format(
                            ", appended partitions (%d KiB) moved behind the added data", r.appendedMoved() / 1024)
                            : "", r.tagsRewritten() > 0 ? ", " + r.tagsRewritten() + " MD5 tags rewritten" : ""));
        } finally {
            if (!overlay.equals(o.imageDirectory())) {
                Files.deleteIfExists(overlay);
            }
        }
        return complete(volume, delta, o, output, new RemasterResult(output.output(), delta.size(), "layout-kept", -1,
                Bytes.u32le(volume.image().read(440, 4, "the MBR id"), 0), null, null, List.of(), null, 0));
    }

    /** The source boots with ISOLINUX already: keep everything, write the MBR (as isohybrid does). */
    private RemasterResult hybridOnly(IsoVolume volume, BootCatalog catalog, SyslinuxInstallation syslinux,
            RemasterOptions o, Output output) throws IOException, BadInputException {
        CatalogEntry boot = catalog.defaultEntry();
        log.info("The source already boots with ISOLINUX (block " + boot.loadLba()
                + "): keeping its tree and config, adding the isohybrid MBR only");
        byte[] template = readTemplate(syslinux);
        ImageDelta delta = new ImageDelta(volume.image().size());
        if (boot.sectorCount() != 4) {
            long catalogLba = BootRecord.catalogLba(volume.bootRecord());
            delta.write(new byte[] {4, 0}, catalogLba * ImageFile.BLOCK + 32 + 6);
            log.warn("The BIOS boot entry loaded " + boot.sectorCount()
                    + " sectors; set to 4, as isohybrid requires (ISOLINUX loads the rest itself)");
        }
        long size = volume.image().size();
        if (o.imageDirectory() != null && Files.isDirectory(o.imageDirectory())) {
            ImageEdit edit = new ImageEdit(volume);
            ImageOverlay.addTo(edit, o.imageDirectory(), entryTime(o, volume), log);
            ImageEdit.Result r = edit.write(delta);
            size = r.volumeBlocks() * ImageFile.BLOCK;
        }
        long id = o.mbrId() != null ? o.mbrId() : deriveId(volume.primary().data(), boot.loadLba());
        long[] efiRange = null;
        EfiMode efi = o.efi();
        if (efi == EfiMode.CREATE) {
            throw new BadInputException(volume.path(), "efi=create is not supported for a source that already "
                    + "boots with ISOLINUX (its tree is kept as it is)", "Set the efi option to keep or none").option("efi");
        }
        if (efi == EfiMode.KEEP && !hasEfi(catalog)) {
            throw new BadInputException(volume.path(), "efi=keep, but the source has no El Torito EFI image",
                    "Set the efi option to none (or auto)").option("efi");
        }
        if (efi != EfiMode.NONE && hasEfi(catalog)) {
            efiRange = efiRange(volume, catalog);
            log.info("UEFI: keeping the source's El Torito EFI image; it gets an 0xEF MBR slot and a GPT entry");
        } else {
            log.info("UEFI: none (BIOS-only isohybrid)");
        }
        long dataEnd = Math.max(volume.primary().volumeSpaceSize() * ImageFile.BLOCK,
                efiRange == null ? 0 : (efiRange[0] + efiRange[1]) * 512);
        writeSystemArea(delta, template, size, zeroTail(volume, dataEnd, size), boot.loadLba(), id, efiRange,
                volume.primary().data());
        return complete(volume, delta, o, output, new RemasterResult(output.output(), delta.size(), "isohybrid-only",
                boot.loadLba(), id, syslinux.banner(), null, List.of(), null, 0));
    }

    private RemasterResult convert(IsoVolume volume, BootCatalog catalog, SyslinuxInstallation syslinux,
            RemasterOptions o, Output output) throws IOException, BadInputException {
        Path src = volume.path();
        List<FatFileSystem> efiImages = efiImages(volume, catalog);
        // systemd-boot entries (the ISO tree's, else the EFI image's), else a GRUB menu
        List<BootMenuFinder.Found> found = BootMenuFinder.all(volume, efiImages, src.getFileName().toString());
        BootMenuFinder.Found chosen = null;
        for (BootMenuFinder.Found f : found) {
            if (f.kind() == BootMenuFinder.Kind.SYSTEMD_BOOT || f.kind() == BootMenuFinder.Kind.SYSTEMD_BOOT_EFI_IMAGE) {
                chosen = f;
                break;
            }
        }
        if (chosen != null) {
            chosen.warnings().forEach(log::warn);
            if (chosen.menu().entries().isEmpty()) {
                throw new BadInputException(src, "the boot entries in " + chosen.origin() + " name no kernel ('linux' "
                        + "line)", "Fix the entries of the source image");
            }
        } else {
            chosen = BootMenuFinder.first(found, BootMenuFinder.Kind.GRUB);
            found.stream().filter(f -> f.kind() == BootMenuFinder.Kind.GRUB).forEach(f -> f.warnings()
                    .forEach(log::warn));
            if (chosen != null) {
                log.info("No systemd-boot entries; converting the GRUB menu " + chosen.where());
            }
        }
        if (chosen == null) {
            throw new BadInputException(src, "no boot entries: no systemd-boot entries (/loader/entries/*.conf) in the "
                    + "ISO tree or its El Torito EFI image, no GRUB menu with a Linux entry (/boot/grub/grub.cfg), "
                    + "and its BIOS boot loader is not ISOLINUX", "nixusb converts systemd-boot/gummiboot entries "
                    + "(NixOS live ISOs) and GRUB menus; use a source that has one of them");
        }
        BootMenu menu = chosen.menu();
        String origin = chosen.origin();

        Instant mtime = entryTime(o, volume);
        ImageEdit edit = new ImageEdit(volume);
        Placement place = new Placement(edit, src);
        List<BootEntry> resolved = new ArrayList<>();
        Map<String, String> copiedFromEfi = new LinkedHashMap<>();
        for (BootEntry e : menu.entries()) {
            String kernel = resolve(volume, efiImages, e, e.kernel(), edit, place, copiedFromEfi, mtime);
            List<String> initrds = new ArrayList<>();
            for (String i : e.initrds()) {
                initrds.add(resolve(volume, efiImages, e, i, edit, place, copiedFromEfi, mtime));
            }
            resolved.add(new BootEntry(e.id(), e.title(), kernel, List.copyOf(initrds), e.options(), e.origin()));
        }
        BootMenu finalMenu = new BootMenu(List.copyOf(resolved), menu.defaultId(), menu.timeoutSeconds());
        log.info("Boot entries from " + origin + ": " + String.join(", ",
                resolved.stream().map(b -> b.id() + " (" + b.kernel() + ")").toList()) + "; default "
                + finalMenu.defaultEntry().id() + ", timeout " + menu.timeoutSeconds() + " s");

        SyslinuxConfig renderer = new SyslinuxConfig(o.ui(), o.serial(), o.kernelArgs(), volume.volumeId());
        String config;
        if (o.syslinuxTemplate() != null && Files.isRegularFile(o.syslinuxTemplate())) {
            config = renderer.renderTemplate(Files.readString(o.syslinuxTemplate(), StandardCharsets.UTF_8), finalMenu,
                    volume.volumeId());
            log.info("Syslinux config from the template " + o.syslinuxTemplate());
        } else {
            config = renderer.render(finalMenu, origin);
        }
        Map<String, Path> modules = syslinux.modulesFor(o.ui());
        List<String> bootFiles = new ArrayList<>(List.of("isolinux.bin"));
        bootFiles.addAll(modules.keySet());
        String bootDir = place.isolinuxDirectory(o.isolinuxDirectory(), bootFiles);
        if (!bootDir.equals(BOOT_DIR)) {
            log.info("ISOLINUX goes to " + bootDir + (o.isolinuxDirectory() != null ? " (configured)"
                    : ": " + BOOT_DIR + " is taken in the source"));
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
        EfiMode efi = efiMode(o.efi(), catalog, volume);
        CreatedEfi createdEfi = null;
        BootCatalog kept = withoutBios(catalog, efi != EfiMode.KEEP);
        if (efi == EfiMode.CREATE) {
            Path grub = GrubEfiImage.findGrub(o.grubEfi());
            String grubCfg = new GrubConfig(o.serial(), o.kernelArgs()).render(finalMenu, volume.volumeId(), origin);
            byte[] fat = GrubEfiImage.build(grub, grubCfg, deriveId(volume.primary().data(), 0xEF), mtime);
            String efiPath = place.efiImagePath(o.efiImagePath());
            edit.addFile(efiPath, FileContent.of(fat), FILE_MODE, mtime);
            String isoCfg = "/boot/grub/x86_64-efi/grub.cfg";
            if (!place.canWriteFile(isoCfg)) {
                log.info("UEFI: " + isoCfg + " cannot be added (a directory or file is in the way); GRUB reads "
                        + "the copy of its config inside the EFI image");
                isoCfg = null;
            } else {
                if (edit.slot(isoCfg) == ImageEdit.Slot.FILE) {
                    log.warn("The source has " + isoCfg + ", which GRUB reads first: it is replaced by the generated "
                            + "config");
                }
                edit.addFile(isoCfg, FileContent.of(grubCfg.getBytes(StandardCharsets.UTF_8)), FILE_MODE, mtime);
            }
            edit.setEfiBoot(efiPath);
            createdEfi = new CreatedEfi(efiPath, isoCfg, fat.length / 1024 + " KiB FAT: " + grub);
        } else if (efi == EfiMode.KEEP) {
            log.info("UEFI: keeping the source's El Torito EFI image; it gets an 0xEF MBR slot and a GPT entry");
        } else {
            log.info("UEFI: none (BIOS-only image" + (hasEfi(catalog) ? "; the source's EFI entry is dropped" : "")
                    + ")");
        }
        edit.setBiosBoot(bootFile, kept);
        if (o.imageDirectory() != null && Files.isDirectory(o.imageDirectory())) {
            ImageOverlay.addTo(edit, o.imageDirectory(), mtime, log);
        }

        byte[] template = readTemplate(syslinux);
        ImageDelta delta = new ImageDelta(volume.image().size());
        wipeStaleGpt(delta, volume);
        ImageEdit.Result r = edit.write(delta);
        if (createdEfi != null) {
            log.info(String.format("UEFI: created %s (%s as EFI/BOOT/BOOTX64.EFI)%s", edit.shownPath(createdEfi.image()),
                    createdEfi.what(), createdEfi.isoConfig() == null ? "" : " and "
                            + edit.shownPath(createdEfi.isoConfig())));
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
            efiRange = efiRange(volume, catalog);
        }
        writeSystemArea(delta, template, r.volumeBlocks() * ImageFile.BLOCK, 0, r.bootFileLba(), id, efiRange,
                volume.primary().data());
        return complete(volume, delta, o, output, new RemasterResult(output.output(), delta.size(), "converted",
                r.bootFileLba(), id, syslinux.banner(), config, resolved.stream().map(BootEntry::id).toList(), null, 0));
    }

    /**
     * Computes the SHA-256 from the source and the delta while the copy runs, waits for the copy,
     * applies the delta (and the isomd5sum implant, which reads the result, so the hash then comes
     * after it), and moves the output into place.
     */
    private RemasterResult complete(IsoVolume volume, ImageDelta delta, RemasterOptions o, Output output,
            RemasterResult r) throws IOException {
        String sha = null;
        long sourceSize = volume.image().size();
        if (o.sha256() && !o.implantMd5()) {
            long t0 = System.nanoTime();
            sha = HexFormat.of().formatHex(delta.sha256(volume.image().channel(),
                    output.progress().alongside("computing the SHA-256", delta.size())));
            log.info(String.format("SHA-256 of the output (%d MiB, from the source and the changes, while copying) "
                    + "in %.2f s", delta.size() / MIB, (System.nanoTime() - t0) / 1e9));
        }
        double seconds = output.copy().await();
        log.info(String.format("Copied the source (%d MiB) in %.2f s (%.0f MiB/s)", sourceSize / MIB, seconds,
                sourceSize / (double) MIB / Math.max(0.001, seconds)));
        try (FileChannel out = FileChannel.open(output.tmp(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            delta.applyTo(out);
            implantMd5(o, out, volume);
        }
        if (o.sha256() && sha == null) {
            sha = Sha256File.sha256(output.tmp());
        }
        return finish(output, new RemasterResult(r.output(), delta.size(), r.mode(), r.bootFileLba(), r.mbrId(),
                r.syslinux(), r.config(), r.entries(), sha, 0));
    }

    private RemasterResult finish(Output out, RemasterResult r) throws IOException {
        Path tmp = out.tmp();
        Path output = out.output();
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // keep the platform's default
        }
        // The previous image goes first: on ext4 (auto_da_alloc), renaming over an existing file writes the
        // new one back in full inside rename(), 1.2 s for 2 GiB here. Its name is free for an instant;
        // it never names a partial image.
        Files.deleteIfExists(output);
        try {
            Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
        }
        long millis = (System.nanoTime() - out.started()) / 1_000_000;
        log.info(String.format("Wrote %s (%d MiB, MBR id 0x%08x) in %.2f s", output, r.size() / MIB, r.mbrId(),
                millis / 1000.0));
        return new RemasterResult(r.output(), r.size(), r.mode(), r.bootFileLba(), r.mbrId(), r.syslinux(), r.config(),
                r.entries(), r.sha256(), millis);
    }

    private String resolve(IsoVolume volume, List<FatFileSystem> efi, BootEntry entry, String path, ImageEdit edit,
            Placement place, Map<String, String> copied, Instant mtime) throws IOException, BadInputException {
        IsoEntry e = volume.find(path);
        if (e == null) {
            e = volume.findIgnoringCase(path);
        }
        if (e != null && !e.isDirectory()) {
            if (e.records().size() > 1) {
                throw new BadInputException(volume.path(), path + " (named by " + entry.origin()
                        + ") is a multi-extent file, which ISOLINUX cannot read", "Keep kernels and initrds under 4 GiB");
            }
            return e.path();
        }
        if (copied.containsKey(path)) {
            return copied.get(path);
        }
        for (FatFileSystem fat : efi) {
            FatFileSystem.FatEntry f = fat.find(path);
            if (f != null && !f.directory()) {
                List<long[]> regions = new ArrayList<>();
                for (FatFileSystem.Run r : fat.runs(f)) {
                    regions.add(new long[] {r.position(), r.length()});
                }
                String target = place.copiedFile(path);
                edit.addFile(target, FileContent.ofRegions(volume.image().channel(), regions), FILE_MODE, mtime);
                log.info("Copying " + path + " (" + f.size() / 1024 + " KiB) out of the El Torito EFI image into the "
                        + "ISO tree" + (target.equals(path) ? "" : " as " + target + " (" + path + " is taken)"));
                copied.put(path, target);
                return target;
            }
        }
        throw new BadInputException(volume.path(), "the boot entry " + entry.origin() + " names " + path
                + ", which is neither in the ISO tree nor in its EFI image",
                "Fix the entry or use an image that contains the file");
    }

    private List<FatFileSystem> efiImages(IsoVolume volume, BootCatalog catalog) {
        List<FatFileSystem> out = new ArrayList<>();
        if (catalog == null) {
            return out;
        }
        for (CatalogEntry e : catalog.entries()) {
            if (e.platform() != CatalogEntry.PLATFORM_EFI) {
                continue;
            }
            long base = e.loadLba() * ImageFile.BLOCK;
            try {
                long size = FatFileSystem.declaredSize(volume.image().channel(), base);
                size = Math.min(size, volume.image().size() - base);
                out.add(FatFileSystem.open(volume.image().channel(), base, size));
            } catch (IOException | RuntimeException ex) {
                log.warn("The El Torito EFI image at block " + e.loadLba() + " is not a readable FAT file system ("
                        + ex.getMessage() + "); it is kept but not searched");
            }
        }
        return out;
    }

    private static BootCatalog withoutBios(BootCatalog catalog, boolean dropEfi) {
        if (catalog == null) {
            return null;
        }
        List<BootCatalog.Section> keep = new ArrayList<>();
        CatalogEntry oldDefault = catalog.defaultEntry();
        if (!dropEfi && catalog.validationPlatform() == CatalogEntry.PLATFORM_EFI && oldDefault.bootable()) {
            // an EFI-only catalog: its default entry becomes a section of its own
            keep.add(new BootCatalog.Section(CatalogEntry.PLATFORM_EFI, new byte[28], List.of(oldDefault)));
        }
        for (BootCatalog.Section s : catalog.sections()) {
            if (s.platform() != CatalogEntry.PLATFORM_X86 && !(dropEfi && s.platform() == CatalogEntry.PLATFORM_EFI)) {
                keep.add(s);
            }
        }
        return new BootCatalog(0, oldDefault, keep);
    }

    private static String readText(IsoVolume volume, IsoEntry e) throws IOException, BadInputException {
        if (e.size() > 1024 * 1024) {
            throw new IsoFormatException(volume.path(), e.path() + " is " + e.size() + " bytes, too large for a boot "
                    + "loader configuration file");
        }
        return new String(volume.read(e), StandardCharsets.UTF_8);
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
        if ("EFI PART".equals(new String(sig.array(), StandardCharsets.ISO_8859_1))) {
            out.write(new byte[512], 512);
            log.warn("The source had a GPT header in sector 1; it no longer matches the image and was cleared");
        }
    }

    /** isomd5sum's checksum, after the MBR and GPT, which it covers. */
    private void implantMd5(RemasterOptions o, FileChannel out, IsoVolume volume) throws IOException {
        if (!o.implantMd5()) {
            return;
        }
        long t0 = System.nanoTime();
        IsoMd5Sum.Implant sums = IsoMd5Sum.implant(out, volume.primary().lba());
        log.info(String.format("Implanted the isomd5sum checksum (MD5 %s) in %.2f s", sums.md5(),
                (System.nanoTime() - t0) / 1e9));
    }

    /** Resolves efi=auto: keep the source's EFI image, or create one when it has none. */
    private static EfiMode efiMode(EfiMode wanted, BootCatalog catalog, IsoVolume volume) throws BadInputException {
        boolean has = hasEfi(catalog);
        return switch (wanted) {
            case AUTO -> has ? EfiMode.KEEP : EfiMode.CREATE;
            case KEEP -> {
                if (!has) {
                    throw new BadInputException(volume.path(), "efi=keep, but the source has no El Torito EFI image",
                            "Set the efi option to create to make one, or to none for a BIOS-only image").option("efi");
                }
                yield EfiMode.KEEP;
            }
            case CREATE, NONE -> wanted;
        };
    }

    private static boolean hasEfi(BootCatalog catalog) {
        return catalog != null && catalog.entries().stream()
                .anyMatch(e -> e.platform() == CatalogEntry.PLATFORM_EFI && e.bootable());
    }

    /**
     * The first EFI image of the catalog as {512-byte start, 512-byte sectors}. Its size is the size of
     * the file at that place when there is one, else the FAT boot sector's, else the catalog count.
     */
    private long[] efiRange(IsoVolume volume, BootCatalog catalog) throws IOException {
        for (CatalogEntry e : catalog.entries()) {
            if (e.platform() != CatalogEntry.PLATFORM_EFI || !e.bootable()) {
                continue;
            }
            long bytes = e.sectorCount() * 512L;
            IsoEntry f = volume.fileAt(e.loadLba());
            if (f != null) {
                bytes = f.size();
            }
            if (bytes <= 512) {
                try {
                    bytes = FatFileSystem.declaredSize(volume.image().channel(), e.loadLba() * ImageFile.BLOCK);
                } catch (IOException ex) {
                    log.warn("The EFI image at block " + e.loadLba() + " has no readable size: " + ex.getMessage());
                }
            }
            if (bytes > GrubEfiImage.MAX_SIZE) {
                log.warn("The EFI image is " + bytes / 1024 + " KiB, more than the 32 MiB an El Torito count can "
                        + "describe; its 0xEF partition covers all of it, firmware booting it as a CD may not");
            }
            return new long[] {e.loadLba() * 4, (bytes + 511) / 512};
        }
        return null;
    }

    /**
     * Writes sector 0 (isohybrid MBR) and, for UEFI, the GPT of isohybrid --uefi, then pads the file.
     *
     * @param efiRange {start, sectors} of the EFI image in 512-byte sectors, or null for BIOS only
     * @param identity bytes the GPT GUIDs are derived from
     */
    private void writeSystemArea(ImageDelta out, byte[] template, long imageSize, long freeTail, long bootLba,
            long id, long[] efiRange, byte[] identity) {
        IsohybridSystemArea.Plan plan = IsohybridSystemArea.plan(template, imageSize, freeTail, bootLba, id, efiRange,
                identity);
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
