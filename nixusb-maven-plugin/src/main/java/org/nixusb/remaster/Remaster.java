package org.nixusb.remaster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.arch.EfiArch;
import org.nixusb.arch.ImageArchitectures;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.bootloader.BootloaderFiles;
import org.nixusb.hybrid.UsbHybrid;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.VolumeDescriptor;
import org.nixusb.output.DiskRoom;

/**
 * The remaster: turns a bootable ISO into an image that also boots from a USB stick. It reads the source (its tree,
 * El Torito catalog, menus, architectures and whether it already boots from a stick), decides once what to do
 * ({@link RemasterPlan}: one of seven routes, the BIOS and UEFI paths, the stick layout; logged as {@code Plan:}), and
 * hands the plan to that route's executor ({@link RouteExecutor#of}), while the output starts as a copy or clone of the
 * source ({@link OutputImage}). Every source byte that need not change stays where it was.
 */
public final class Remaster {
    private static final long MIB = 1024 * 1024;

    private final BuildLog log;

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
            // ISOLINUX, and GRUB where a UEFI path may be created, are unpacked while the source's menus are read
            boolean mayCreate = o.efi() == EfiMode.CREATE || o.efi() == EfiMode.AUTO && !catalog.hasEfi();
            loaders.prefetch(!mayCreate ? List.of() : o.efiArchitectures() != null ? o.efiArchitectures()
                    : List.of(EfiArch.X64));
            SourceMenus found = architectures(volume, catalog, source);
            ImageArchitectures archs = found.archs();
            UsbHybrid.Verdict usb = UsbHybrid.of(volume);
            List<Long> md5Tags = UsbHybrid.md5Tags(volume);
            RemasterPlan plan = RemasterPlan.decide(o, usb, catalog, archs, found.hasMenu(), source, log);
            log.info(plan.describe());
            return RouteExecutor.of(new RouteExecutor.Context(volume, catalog, archs, found.menus(), usb, md5Tags,
                    plan, o, out, loaders), log).execute();
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
            return RemasterPlan.decide(o, UsbHybrid.of(volume), catalog, found.archs(), found.hasMenu(), source,
                    log);
        }
    }

    /** The source's loader and kernel architectures (logged), and whether it has a boot menu nixusb reads. */
    private record SourceMenus(ImageArchitectures archs, boolean hasMenu, List<BootMenuFinder.Found> menus) {
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
        return new SourceMenus(archs, unreadable || !menus.isEmpty(), unreadable ? null : menus);
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

}
