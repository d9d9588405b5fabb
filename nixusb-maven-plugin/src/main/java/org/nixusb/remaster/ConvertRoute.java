package org.nixusb.remaster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.hybrid.IsohybridMbr;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.Placement;
import org.nixusb.output.FileContent;
import org.nixusb.output.ImageDelta;
import org.nixusb.syslinux.SyslinuxConfig;
import org.nixusb.syslinux.SyslinuxInstallation;

/**
 * Routes {@code convert}, {@code memdisk} and {@code memdisk-cd}: an ISOLINUX tree is added whose menu comes from the
 * source's Linux menu, or starts its El Torito disk images (or a copy of the whole CD) with MEMDISK; the El Torito BIOS
 * entry becomes isolinux.bin; UEFI keeps the source's EFI image or gets a created GRUB path.
 */
final class ConvertRoute extends RouteExecutor {
    ConvertRoute(Context c, BuildLog log) {
        super(c, log);
    }

    @Override
    RemasterResult execute() throws IOException, BadInputException {
        announceNewLayout();
        return convert(syslinux());
    }

    private RemasterResult convert(SyslinuxInstallation syslinux) throws IOException, BadInputException {
        Instant mtime = entryTime(o, volume);
        ImageEdit edit = new ImageEdit(volume);
        Placement place = new Placement(edit, volume.path());
        Map<String, Path> modules = new java.util.LinkedHashMap<>(syslinux.modulesFor(o.ui()));
        Menus menus = switch (plan.route()) {
            case MEMDISK_CD -> memdiskCdMenu(edit, place, modules, syslinux, mtime);
            case MEMDISK -> memdiskMenu(edit, place, modules, syslinux, mtime);
            default -> linuxMenu(edit, place, mtime);
        };
        List<BootEntry> resolved = menus.bios().entries();
        log.info("Boot entries from " + menus.origin() + ": " + String.join(", ",
                resolved.stream().map(b -> b.id() + " (" + b.kernel() + ")").toList()) + "; default "
                + menus.bios().defaultEntry().id() + ", timeout " + menus.menu().timeoutSeconds() + " s");
        IsolinuxFiles isolinux = addIsolinux(edit, place, modules, menus, syslinux, mtime);
        CreatedEfi createdEfi = uefiPath(edit, place, menus, mtime);
        edit.setBiosBoot(isolinux.bootFile(), catalog.withoutBios(plan.efi() != EfiMode.KEEP));
        if (plan.overlay() != null) {
            ImageOverlay.addTo(edit, plan.overlay(), mtime, log);
        }
        // the kept EFI path's own configs get kernelArgs and serial as the new ISOLINUX config has them
        boolean keep = plan.efi() == EfiMode.KEEP;
        KeptConfigs.Edits keptConfigs = KeptConfigs.edits(volume, null, keep ? catalog.efiImages() : List.of(), keep,
                o.kernelArgs(), o.serial());
        logKept(keptConfigs, o);
        // MEMDISK's menus start disk images, not Linux: only a source's own loopback.cfg is kept
        keptConfigs = keptConfigs.with(menus.chosen() == null ? loopback(null, null, java.util.Set.of())
                : loopback(menus.resolved(), menus.origin(), filesOf(menus.resolved())));
        keptConfigs.addTo(edit, volume, o.imageDirectory(), mtime, log);
        addEfiTree(edit, place, mtime, keep, createdEfi, keptConfigs);

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
                Placement.parent(edit.shownPath(isolinux.bootFile())), edit.shownPath(isolinux.configPath()),
                r.directoriesRewritten(), r.directoriesRewritten() == 1 ? "y" : "ies", r.directoriesMoved(),
                r.bytesAppended() / 1024, r.bootFileLba(), r.catalogLba()));
        long id = o.mbrId() != null ? o.mbrId() : deriveId(volume.primary().data(), r.bootFileLba());
        long[] efiRange = switch (plan.efi()) {
            case CREATE -> new long[] {r.efiImageLba() * 4, (r.efiImageSize() + 511) / 512};
            case KEEP -> catalog.efiRange();
            default -> null;
        };
        AppendedLayout.Request appended = writeSystemArea(plan.layout(), delta, template, r.volumeBlocks()
                * ImageFile.BLOCK, 0, r.bootFileLba(), id, efiRange, volume.primary().data());
        return output.complete(volume, delta, o.sha256(), o.implantMd5(), result(delta.size())
                .bootFileLba(r.bootFileLba()).mbrId(id).syslinux(syslinux.banner()).config(isolinux.config())
                .entries(resolved.stream().map(BootEntry::id).toList()).build(), appended);
    }

    /** The kernels and initrds the menu names (placed in the tree by {@link MenuFiles}). */
    private static java.util.Set<String> filesOf(BootMenu menu) {
        java.util.Set<String> files = new java.util.HashSet<>();
        for (BootEntry e : menu.entries()) {
            files.add(e.kernel());
            files.addAll(e.initrds());
        }
        return files;
    }

    /** Where ISOLINUX went: its boot file, its config's path, and the config. */
    private record IsolinuxFiles(String bootFile, String configPath, String config) {
    }

    /** The ISOLINUX tree: isolinux.bin, its modules and the config rendered from the menu (or the template). */
    private IsolinuxFiles addIsolinux(ImageEdit edit, Placement place, Map<String, Path> modules, Menus menus,
            SyslinuxInstallation syslinux, Instant mtime) throws IOException, BadInputException {
        SyslinuxConfig renderer = new SyslinuxConfig(o.ui(), o.serial(), o.kernelArgs(), volume.volumeId());
        String config;
        if (plan.template() != null) {
            config = renderer.renderTemplate(Files.readString(plan.template(), StandardCharsets.UTF_8), menus.bios(),
                    volume.volumeId());
            log.info("Syslinux config from the template " + plan.template());
        } else {
            config = renderer.render(menus.bios(), menus.origin());
        }
        String bootDir = menus.bootDir() != null ? menus.bootDir() : isolinuxDirectory(place, o, modules);
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
        return new IsolinuxFiles(bootFile, configPath, config);
    }

    /** UEFI as planned: a created GRUB path (returned), the source's EFI image kept, or none. */
    private CreatedEfi uefiPath(ImageEdit edit, Placement place, Menus menus, Instant mtime) throws IOException,
            BadInputException {
        switch (plan.efi()) {
            case CREATE:
                BootMenuFinder.Found chosen = menus.chosen();
                return addGrubEfi(volume, edit, place, loaders, o, menus.resolved(), menus.origin(), mtime,
                        plan.grubArchitectures(), chosen == null ? Map.of() : kernelsByEntry(menus.menu(), chosen,
                                archs));
            case KEEP:
                log.info("UEFI: keeping the source's El Torito EFI image; it becomes the stick's EFI partition ("
                        + plan.layout().id() + " layout)");
                return null;
            default:
                log.info("UEFI: none (BIOS-only image" + (catalog.hasEfi() ? "; the source's EFI entry is dropped"
                        : "") + ")");
                return null;
        }
    }

    /**
     * The menu ISOLINUX gets and where it came from.
     *
     * @param chosen the Linux menu found in the source, or null for MEMDISK's menus
     * @param menu the menu as read
     * @param origin where it was read, for the log and the config's header
     * @param resolved the menu with its files placed (a created GRUB path offers it)
     * @param bios the entries ISOLINUX can start on a PC
     * @param bootDir where ISOLINUX goes, when already decided (MEMDISK's images are placed beside it), else null
     */
    private record Menus(BootMenuFinder.Found chosen, BootMenu menu, String origin, BootMenu resolved, BootMenu bios,
            String bootDir) {
    }

    /** Route memdisk-cd: one entry, MEMDISK booting a copy of the whole CD (added as cd.iso) from memory. */
    private Menus memdiskCdMenu(ImageEdit edit, Placement place, Map<String, Path> modules,
            SyslinuxInstallation syslinux, Instant mtime) throws IOException, BadInputException {
        modules.put("memdisk", syslinux.memdisk());
        String bootDir = isolinuxDirectory(place, o, modules);
        String copy = Placement.join(bootDir, "cd.iso");
        long size = volume.image().size();
        edit.addFile(copy, FileContent.ofRegions(volume.image().channel(), List.of(new long[] {0, size})),
                FILE_MODE, mtime);
        log.warn(String.format("MEMDISK: the source boots with a BIOS loader of its own and has no Linux menu and "
                + "no EFI image, so the stick boots a copy of the whole CD (%d MiB, %s) from memory: ISOLINUX "
                + "starts it with %s, which the BIOS then boots as a CD; the image grows by that copy, and the "
                + "machine needs that much memory", size >> 20, copy, Placement.join(bootDir, "memdisk")));
        String origin = volume.path().getFileName() + "!El Torito";
        BootEntry entry = new BootEntry("cd", "The CD, from memory (" + copy + ")", Placement.join(bootDir,
                "memdisk"), List.of(copy), "iso raw", origin);
        BootMenu menu = new BootMenu(List.of(entry), entry.id(), 0);
        return new Menus(null, menu, origin, menu, menu, bootDir);
    }

    /** Route memdisk: an entry per El Torito disk image, each served by MEMDISK (hidden images copied in). */
    private Menus memdiskMenu(ImageEdit edit, Placement place, Map<String, Path> modules,
            SyslinuxInstallation syslinux, Instant mtime) throws IOException, BadInputException {
        modules.put("memdisk", syslinux.memdisk());
        String bootDir = isolinuxDirectory(place, o, modules);
        List<SourceCatalog.EmulatedDisk> disks = catalog.emulatedDisks();
        String origin = volume.path().getFileName() + "!El Torito";
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
        BootMenu menu = new BootMenu(entries, entries.get(0).id(), entries.size() == 1 ? 0 : 10);
        return new Menus(null, menu, origin, menu, menu, bootDir);
    }

    /** Route convert: the source's Linux menu, its files placed, and the entries a PC can start. */
    private Menus linuxMenu(ImageEdit edit, Placement place, Instant mtime) throws IOException, BadInputException {
        BootMenuFinder.Found chosen = MenuFiles.choose(volume, catalog.efiImages(), menus, log);
        BootMenu resolved = new MenuFiles(volume, catalog.efiImages(), edit, place, mtime, log).resolve(chosen.menu());
        return new Menus(chosen, chosen.menu(), chosen.origin(), resolved, x86Entries(resolved, chosen.menu(), chosen,
                archs), null);
    }
}
