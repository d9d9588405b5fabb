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
import org.nixusb.grub.GrubConfig;
import org.nixusb.grub.GrubEfiImage;
import org.nixusb.hybrid.ApplePartitionMap;
import org.nixusb.hybrid.GptSystemArea;
import org.nixusb.hybrid.IsohybridMbr;
import org.nixusb.hybrid.IsohybridSystemArea;
import org.nixusb.hybrid.PartitionTable;
import org.nixusb.hybrid.PositionedWrite;
import org.nixusb.hybrid.StickLayout;
import org.nixusb.hybrid.SystemArea;
import org.nixusb.hybrid.UsbHybrid;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.Placement;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.output.FileContent;
import org.nixusb.output.ImageDelta;
import org.nixusb.syslinux.SyslinuxInstallation;

/**
 * One route of the remaster, carried out as its plan says ({@link RemasterPlan}): a subclass per route
 * ({@link CopyRoute}, {@link KeepLayoutRoute}, {@link KeepIsolinuxRoute}, {@link ConvertRoute}, {@link UefiOnlyRoute})
 * over the steps they share here: the notes on what a new layout replaces, the syslinux used, the kept configs, a
 * created GRUB EFI path, the system area of the plan's layout, and the disk id. A new route is a new subclass and a
 * case of {@link #of}.
 */
abstract class RouteExecutor {
    static final int FILE_MODE = SystemUse.S_IFREG | 0444;
    static final String BOOT_DIR = "/isolinux";
    static final long MIB = 1024 * 1024;

    /** What a route works on: the source as read, what was decided, and the output being made. */
    record Context(IsoVolume volume, SourceCatalog catalog, ImageArchitectures archs,
            List<BootMenuFinder.Found> menus, UsbHybrid.Verdict usb, List<Long> md5Tags, RemasterPlan plan,
            RemasterOptions options, OutputImage output, BootloaderFiles loaders) {
    }

    protected final BuildLog log;
    protected final IsoVolume volume;
    protected final SourceCatalog catalog;
    protected final ImageArchitectures archs;
    /** the source's menus as read once for the plan, or null when reading them failed (read again, to report it) */
    protected final List<BootMenuFinder.Found> menus;
    protected final UsbHybrid.Verdict usb;
    protected final List<Long> md5Tags;
    protected final RemasterPlan plan;
    protected final RemasterOptions o;
    protected final OutputImage output;
    protected final BootloaderFiles loaders;

    RouteExecutor(Context c, BuildLog log) {
        this.log = log;
        this.volume = c.volume();
        this.catalog = c.catalog();
        this.archs = c.archs();
        this.menus = c.menus();
        this.usb = c.usb();
        this.md5Tags = c.md5Tags();
        this.plan = c.plan();
        this.o = c.options();
        this.output = c.output();
        this.loaders = c.loaders();
    }

    /** The result of this plan's route, written to the output, of {@code size} bytes (the rest set by the route). */
    RemasterResult.Builder result(long size) {
        return RemasterResult.builder(output.path(), plan.route()).size(size);
    }

    /** Makes the output and returns what was made. */
    abstract RemasterResult execute() throws IOException, BadInputException;

    /** The executor of the plan's route. */
    static RouteExecutor of(Context c, BuildLog log) {
        return switch (c.plan().route()) {
            case COPY -> new CopyRoute(c, log);
            case KEEP_LAYOUT -> new KeepLayoutRoute(c, log);
            case KEEP_ISOLINUX -> new KeepIsolinuxRoute(c, log);
            case CONVERT, MEMDISK, MEMDISK_CD -> new ConvertRoute(c, log);
            case UEFI_ONLY -> new UefiOnlyRoute(c, log);
        };
    }

    /** For a source for processors no PC BIOS or UEFI starts (copied or kept as it is): what the output is. */
    void warnOtherProcessors() {
        log.warn("The source's kernels are for " + archNames(archs) + ": no PC BIOS or UEFI boot path can be "
                + "added, so the output is the source as it is" + (plan.route() == RemasterPlan.Route.COPY ? ""
                : " with " + plan.changes()) + "; nixusb:boot cannot boot it");
    }

    /**
     * For the routes that write nixusb's own layout: says that a stick's layout is replaced, and what of the source's
     * system area and checksums the new one loses.
     */
    void announceNewLayout() throws IOException, BadInputException {
        if (plan.alreadyUsb()) {
            log.info("The source is already a USB hybrid, but " + plan.layoutChange() + ": remastering with "
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
    }

    /** The syslinux ISOLINUX comes from (the configured directory, else the boot loader files), logged. */
    SyslinuxInstallation syslinux() throws IOException, BadInputException {
        SyslinuxInstallation syslinux = o.syslinuxDirectory() != null
                ? SyslinuxInstallation.find(o.syslinuxDirectory()) : loaders.syslinux();
        log.info("Syslinux: " + syslinux.banner() + " from " + loaders.describe(syslinux.isolinuxBin()));
        return syslinux;
    }

    static String archNames(ImageArchitectures archs) {
        return archs.names();
    }

    /**
     * What each entry of {@code read} (the menu as read, whose entries keep their ids when resolved) runs on: the
     * kernel header read for it, by entry id; entries whose kernel was not read are absent.
     */
    static Map<String, ImageArchitectures.Found> kernelsByEntry(BootMenu read, BootMenuFinder.Found chosen,
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
    BootMenu x86Entries(BootMenu resolved, BootMenu read, BootMenuFinder.Found chosen,
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

    /** The EFI image efi=create added: its path, the ISO copy of its grub.cfg (or null) and what it holds. */
    record CreatedEfi(String image, List<String> isoConfigs, String what, Map<EfiArch, Path> loaders, byte[] grubCfg) {
        /** " and <the configs' paths as written>", or "" when GRUB reads only the image's copy. */
        String configs(ImageEdit edit) {
            return isoConfigs.isEmpty() ? "" : " and " + String.join(", ", isoConfigs.stream().map(edit::shownPath)
                    .toList());
        }
    }

    /** Where ISOLINUX and {@code modules} go: {@code /isolinux}, or another directory when that one is taken. */
    String isolinuxDirectory(Placement place, RemasterOptions o, Map<String, Path> modules)
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

    /**
     * Adds a GRUB EFI image for {@code menu} with a loader for each of {@code archs} (the pinned GRUB, or for x64 the
     * configured one), the copies of its config in the tree where each GRUB reads first
     * ({@code /boot/grub/<platform>/grub.cfg}), and makes the image the El Torito UEFI entry.
     */
    CreatedEfi addGrubEfi(IsoVolume volume, ImageEdit edit, Placement place, BootloaderFiles loaders,
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
                + " KiB FAT; " + String.join("; ", what), grubs, grubCfg.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * With the {@code efiTree} option, the files of the EFI image the output boots from UEFI ({@code keptImages}: the
     * source's, or the {@code created} one) put into the ISO tree where it lacks them; logged. Call after every other
     * addition (an image directory's copy wins). Returns what was added.
     */
    List<String> addEfiTree(ImageEdit edit, Placement place, Instant mtime, boolean keptImages, CreatedEfi created,
            KeptConfigs.Edits edits) throws IOException {
        if (!o.efiTree()) {
            return List.of();
        }
        EfiTree t = new EfiTree(volume, edit, place, mtime);
        if (keptImages) {
            t.kept(catalog.efiImages(), edits);
        }
        if (created != null) {
            t.created(created.loaders(), created.grubCfg());
        }
        t.log(log);
        return t.added();
    }

    /**
     * The {@code loopback.cfg} decision for this output, logged: from {@code menu} (files where the output's tree has
     * them; those in {@code added} are added by the route), or null when the output has no Linux menu.
     */
    LoopbackFile loopback(BootMenu menu, String origin, java.util.Set<String> added) {
        LoopbackFile l = LoopbackFile.decide(volume, o.loopback(), menu, origin, o.kernelArgs(), added);
        log.info(l.line());
        return l;
    }

    /** {@link #loopback} from the source's own menu, kept by a route that keeps its boot loaders. */
    LoopbackFile loopbackFromSource(BootMenuFinder.Kind preferred) {
        BootMenuFinder.Found f = LoopbackFile.sourceMenu(menus, preferred);
        return f == null ? loopback(null, null, java.util.Set.of())
                : loopback(LoopbackFile.inTree(volume, f.menu()), f.origin(), java.util.Set.of());
    }

    void logKept(KeptConfigs.Edits kept, RemasterOptions o) {
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
    static Instant entryTime(RemasterOptions o, IsoVolume volume) {
        return o.timestamp() != null ? o.timestamp() : volumeTime(volume);
    }

    static Instant volumeTime(IsoVolume volume) {
        Instant t = volume.primary().modificationDate();
        if (t == null) {
            t = volume.primary().creationDate();
        }
        return t == null ? Instant.EPOCH : t;
    }

    static byte[] readTemplate(SyslinuxInstallation syslinux) throws IOException, BadInputException {
        byte[] t = Files.readAllBytes(syslinux.isohdpfx());
        if (t.length < IsohybridMbr.TEMPLATE_SIZE) {
            throw new BadInputException(syslinux.isohdpfx(), "an isohybrid MBR template must have 432 bytes, this one has "
                    + t.length, "Reinstall syslinux (Debian: apt-get install --reinstall isolinux)");
        }
        return t;
    }

    void wipeStaleGpt(ImageDelta out, IsoVolume volume) throws IOException {
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
     * The appended layout is laid out on the written image instead: its request is returned (else null).
     *
     * @param efiRange {start, sectors} of the EFI image in 512-byte sectors, or null for BIOS only
     * @param identity bytes the GPT GUIDs are derived from
     */
    AppendedLayout.Request writeSystemArea(StickLayout layout, ImageDelta out, byte[] template, long imageSize,
            long freeTail, long bootLba, long id, long[] efiRange, byte[] identity) {
        if (layout == StickLayout.APPENDED) {
            // laid out on the written image (AppendedLayout): the partition's session reads the final tree
            out.extendTo((imageSize + ImageFile.BLOCK - 1) / ImageFile.BLOCK * ImageFile.BLOCK);
            return new AppendedLayout.Request(template, bootLba, id, efiRange, identity);
        }
        SystemArea area = switch (layout) {
            case ISOHYBRID -> IsohybridSystemArea.of(template, imageSize, freeTail, bootLba, id, efiRange, identity);
            case GPT -> GptSystemArea.of(template, imageSize, bootLba, id, efiRange, identity);
            case MBR -> GptSystemArea.mbrOnly(template, imageSize, bootLba, id, efiRange);
            case APPENDED -> throw new IllegalStateException();
        };
        out.extendTo(area.size());
        if (area.cylinders() > 1024) {
            log.warn("The image has " + area.cylinders() + " cylinders of 1 MiB, more than the 1024 a CHS partition "
                    + "entry can describe; BIOSes that boot by CHS may not boot it (LBA BIOSes do)");
        }
        for (PositionedWrite w : area.writes()) {
            out.write(w.bytes(), w.position());
        }
        log.info(area.summary());
        return null;
    }

    /**
     * How many bytes at the end of the first {@code size} bytes of the source are zeros past {@code dataEnd}
     * (past the volume and the EFI image): room the backup GPT may take, so that a source that already
     * leaves it keeps its size. Looks at most 64 KiB back.
     */
    static long zeroTail(IsoVolume volume, long dataEnd, long size) throws IOException {
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
    static long sourceMbrId(IsoVolume volume) throws IOException, BadInputException {
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
