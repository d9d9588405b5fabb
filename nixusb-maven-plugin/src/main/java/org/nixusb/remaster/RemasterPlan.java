package org.nixusb.remaster;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.arch.EfiArch;
import org.nixusb.arch.ImageArchitectures;
import org.nixusb.hybrid.StickLayout;
import org.nixusb.hybrid.UsbHybrid;

/**
 * What a remaster will do, decided once from the source (its USB verdict, catalog and architectures) and the options,
 * before anything is planned byte by byte: which route, whether the image gets a BIOS path, what happens to UEFI, the
 * GRUB architectures a created path is for, and the stick layout. The log prints it; tests assert it.
 *
 * @param route how the output is made
 * @param biosPath whether the output boots from a PC BIOS (ISOLINUX, kept or added, or the source's own)
 * @param efi what happens to UEFI: {@code KEEP} the source's EFI image, {@code CREATE} a GRUB one, {@code NONE}
 * @param grubArchitectures the architectures a created GRUB path is for (used with {@code CREATE})
 * @param layout the partition tables written (not for {@code COPY} and {@code KEEP_LAYOUT}, which keep the source's)
 * @param why the reason for the route, for the log
 * @param reason the case that chose the route
 * @param alreadyUsb whether the source already boots from a stick (its layout is then copied, kept, or replaced
 *        because the options ask for another)
 * @param otherProcessorsOnly whether the source's kernels are for processors no PC BIOS or UEFI starts (then the
 *        route is {@code COPY} or {@code KEEP_LAYOUT} of a source that is no stick for a PC, and nothing can boot it)
 * @param changes what in the options asks for changes to a source that already boots from a stick, or null
 * @param layoutChange what in the options asks for a boot layout other than the source's own, or null
 * @param overlay the image directory whose files are added (an existing directory), or null
 * @param template the syslinux config template used (an existing file), or null
 * @param isolinuxMenuForUefi for {@code KEEP_ISOLINUX} where a GRUB path was to be created: the ISOLINUX entries it
 *        boots, read and checked while deciding (a menu without one GRUB can start from UEFI plans {@code NONE}
 *        instead, and this says why); null otherwise
 */
public record RemasterPlan(Route route, boolean biosPath, EfiMode efi, List<EfiArch> grubArchitectures,
        StickLayout layout, String why, Reason reason, boolean alreadyUsb, boolean otherProcessorsOnly,
        String changes, String layoutChange, java.nio.file.Path overlay, java.nio.file.Path template,
        IsolinuxToUefi.Found isolinuxMenuForUefi) {

    /** A plan of the route's own decisions; {@link #decide} adds what it read from the options. */
    RemasterPlan(Route route, boolean biosPath, EfiMode efi, List<EfiArch> grubArchitectures, StickLayout layout,
            String why, boolean alreadyUsb, Reason reason) {
        this(route, biosPath, efi, grubArchitectures, layout, why, reason, alreadyUsb, false, null, null, null, null,
                null);
    }

    /** How the output is made. */
    public enum Route {
        /** The source already boots from a stick and nothing is asked: a byte copy. */
        COPY,
        /** The source already boots from a stick; files or configs are added in its own layout. */
        KEEP_LAYOUT,
        /** The source boots with ISOLINUX: its tree stays, the system area (and a UEFI path) is added. */
        KEEP_ISOLINUX,
        /** An ISOLINUX tree is made from the source's menu. */
        CONVERT,
        /** The source is for other processors than x86: no BIOS path, a UEFI stick layout. */
        UEFI_ONLY,
        /**
         * The source boots an emulated El Torito disk image (a floppy or a hard disk: BIOS updates, DOS) and has no
         * Linux menu: ISOLINUX starts that image with MEMDISK.
         */
        MEMDISK,
        /**
         * The source boots with a BIOS loader of its own (no emulation, not ISOLINUX) and has neither a Linux menu nor
         * an EFI image: ISOLINUX starts a copy of the whole CD with MEMDISK, which the BIOS then boots as a CD from RAM.
         */
        MEMDISK_CD;

        /** The route's name in the log and the result: {@code copy}, {@code keep-layout}, ... */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** The largest source {@link Route#MEMDISK_CD} copies: MEMDISK holds the CD in memory below 4 GiB. */
    static final long MEMDISK_CD_MAX = 1L << 30;

    /**
     * Decides. Refuses, before anything is written, what cannot be done: {@code efi=keep} without an EFI image,
     * {@code efi=create} beside a kept one on an ISOLINUX source, {@code efi=none} on an image without a BIOS path.
     */
    static RemasterPlan decide(RemasterOptions o, UsbHybrid.Verdict usb, SourceCatalog catalog,
            ImageArchitectures archs, boolean hasMenu, java.nio.file.Path source, org.nixusb.BuildLog log)
            throws BadInputException, java.io.IOException {
        String asked = changesAsked(o);
        String layoutChange = layoutChangeAsked(o);
        RemasterPlan p = route(new Case(o, usb, catalog, archs, hasMenu, asked, layoutChange, source,
                o.efiArchitectures() != null ? o.efiArchitectures() : archs.defaultGrubArchitectures(), log));
        java.nio.file.Path overlay = o.imageDirectory() != null
                && java.nio.file.Files.isDirectory(o.imageDirectory()) ? o.imageDirectory() : null;
        java.nio.file.Path template = o.syslinuxTemplate() != null
                && java.nio.file.Files.isRegularFile(o.syslinuxTemplate()) ? o.syslinuxTemplate() : null;
        return new RemasterPlan(p.route, p.biosPath, p.efi, p.grubArchitectures, p.layout, p.why, p.reason,
                p.alreadyUsb, archs.noPcOrUefiProcessor(), asked, layoutChange, overlay, template,
                p.isolinuxMenuForUefi);
    }

    /** Why a route was chosen: the case of the source and options, one per way {@link #decide} ends. */
    public enum Reason {
        /** The source's kernels are for processors no PC BIOS or UEFI starts. */
        OTHER_PROCESSORS_ONLY,
        /** The source already boots from a stick (in the ways it can) and nothing is asked. */
        ALREADY_STICK,
        /** The source already boots from a stick; the options ask for changes in its layout. */
        ALREADY_STICK_CHANGES_ASKED,
        /** The source's EFI loaders and kernels are for other processors than x86: no BIOS path exists. */
        NOT_FOR_PC_BIOS,
        /** The source boots with ISOLINUX. */
        BOOTS_ISOLINUX,
        /** The source boots an emulated El Torito disk image and has no Linux menu. */
        BOOTS_EMULATED_DISK,
        /** The source's BIOS loader is not ISOLINUX, it has no Linux menu, but it has an EFI image. */
        OWN_BIOS_LOADER_WITH_EFI,
        /** The source's BIOS loader is its own, and it has no Linux menu and no EFI image. */
        OWN_BIOS_LOADER_ONLY,
        /** The source boots from a CD with another loader and has a Linux menu. */
        LINUX_MENU
    }

    /** What {@link #route} decides from: the source read once, the options, and what in them asks for changes. */
    private record Case(RemasterOptions o, UsbHybrid.Verdict usb, SourceCatalog catalog, ImageArchitectures archs,
            boolean hasMenu, String asked, String layoutChange, java.nio.file.Path source, List<EfiArch> grub,
            org.nixusb.BuildLog log) {
        boolean hasEfi() {
            return catalog.hasEfi();
        }

        RemasterPlan plan(Route route, boolean biosPath, EfiMode efi, StickLayout layout, String why,
                boolean alreadyUsb, Reason reason) {
            return new RemasterPlan(route, biosPath, efi, grub, layout, why, alreadyUsb, reason);
        }
    }

    /** The route and its own decisions. */
    private static RemasterPlan route(Case c) throws BadInputException, java.io.IOException {
        RemasterOptions o = c.o();
        UsbHybrid.Verdict usb = c.usb();
        SourceCatalog catalog = c.catalog();
        ImageArchitectures archs = c.archs();
        boolean hasMenu = c.hasMenu();
        String asked = c.asked();
        String layoutChange = c.layoutChange();
        java.nio.file.Path source = c.source();
        if (archs.noPcOrUefiProcessor()) {
            return otherProcessorsOnly(c);
        }
        boolean uefiOnly = archs.nonX86Only();
        // a BIOS stick without any EFI image: UEFI could only come from efi=create, which must be asked for
        boolean biosOnlyAsItIs = !uefiOnly && usb.bios() && !c.hasEfi();
        // an image for other processors than x86 has no BIOS path to add: a UEFI stick is complete
        boolean complete = uefiOnly ? usb.uefi() : usb.both() || biosOnlyAsItIs;
        EfiMode kept = c.hasEfi() ? EfiMode.KEEP : EfiMode.NONE;
        if (complete && asked == null) {
            return c.plan(Route.COPY, usb.bios(), kept, null, "the source already boots from a stick and nothing is "
                    + "asked", true, Reason.ALREADY_STICK);
        }
        if (complete && layoutChange == null) {
            return c.plan(Route.KEEP_LAYOUT, usb.bios(), kept, null, "the source already boots from a stick, but "
                    + asked, true, Reason.ALREADY_STICK_CHANGES_ASKED);
        }
        String prefix = complete ? "the source already boots from a stick, but " + layoutChange + "; " : "";
        if (uefiOnly) {
            if (o.efi() == EfiMode.NONE) {
                throw new BadInputException(source, "efi=none, but the source is an " + archs.names() + " image: "
                        + "without UEFI nothing on it boots (a PC BIOS runs x86 code only)", "Set the efi option to "
                        + "auto, keep or create").option("efi");
            }
            return c.plan(Route.UEFI_ONLY, false, catalog.efiMode(o.efi()), o.layout(), prefix + "its EFI loaders "
                    + "and kernels are " + archs.names() + " only", complete, Reason.NOT_FOR_PC_BIOS);
        }
        if (catalog.bootsIsolinux()) {
            return keepIsolinux(c, prefix, complete);
        }
        SourceCatalog.EmulatedDisk disk = hasMenu ? null : catalog.emulatedDisk();
        if (disk != null) {
            return memdisk(c, disk, prefix, complete);
        }
        if (!hasMenu && c.hasEfi() && (o.efi() == EfiMode.AUTO || o.efi() == EfiMode.KEEP)) {
            return ownBiosLoaderWithEfi(c, prefix, complete);
        }
        if (!hasMenu && !c.hasEfi() && catalog.bootsOwnBiosLoader()) {
            return memdiskCd(c, prefix, complete);
        }
        return c.plan(Route.CONVERT, true, catalog.efiMode(o.efi()), o.layout(), prefix + "it boots from a CD with "
                + "another loader", complete, Reason.LINUX_MENU);
    }

    /** Kernels for processors no PC BIOS or UEFI starts: the source is written as it is (or with what is asked). */
    private static RemasterPlan otherProcessorsOnly(Case c) throws BadInputException {
        ImageArchitectures archs = c.archs();
        String kernels = String.join(" and ", archs.otherProcessors()) + " (" + String.join(", ", archs.kernels()
                .stream().filter(k -> k.otherProcessor() != null).map(k -> k.where() + ": " + k.detail()).toList())
                + ")";
        if (c.layoutChange() != null) {
            throw new BadInputException(c.source(), c.layoutChange() + ", but the source's kernels are for " + kernels
                    + " and it has no EFI loader: neither a PC BIOS nor UEFI firmware starts anything on it, so "
                    + "there is no boot path or stick layout to write", "Leave the layout, efi and ISOLINUX "
                    + "options unset: the source is then written as it is (OpenPOWER's petitboot boots it from a "
                    + "stick), or skip the remaster for this image").option("layout", "efi");
        }
        String why = "its kernels are for " + kernels + ", which neither a PC BIOS nor UEFI starts: there is no "
                + "boot path to add, and its own machines boot it from a stick as it is (OpenPOWER's petitboot "
                + "reads its GRUB menu from any medium)";
        return c.asked() == null
                ? new RemasterPlan(Route.COPY, false, EfiMode.NONE, List.of(), null, why, false,
                        Reason.OTHER_PROCESSORS_ONLY)
                : new RemasterPlan(Route.KEEP_LAYOUT, false, EfiMode.NONE, List.of(), null, why + "; but "
                        + c.asked(), false, Reason.OTHER_PROCESSORS_ONLY);
    }

    private static RemasterPlan keepIsolinux(Case c, String prefix, boolean complete) throws BadInputException,
            IOException {
        EfiMode asked = c.o().efi();
        if (asked == EfiMode.KEEP && !c.hasEfi()) {
            throw SourceCatalog.noEfiToKeep(c.source(), "a GRUB EFI path from the ISOLINUX menu");
        }
        if (asked == EfiMode.CREATE && c.hasEfi()) {
            throw new BadInputException(c.source(), "efi=create, but the source already has an El Torito EFI image "
                    + "next to its ISOLINUX", "Set the efi option to keep (or auto) to keep it, or none")
                    .option("efi");
        }
        EfiMode efi = asked == EfiMode.NONE ? EfiMode.NONE : c.hasEfi() ? EfiMode.KEEP : EfiMode.CREATE;
        IsolinuxToUefi.Found menu = null;
        String uefiNote = "";
        if (efi == EfiMode.CREATE) {
            // the ISOLINUX menu decides whether a GRUB path can be made: read now, so the plan says what is made
            menu = new IsolinuxToUefi(c.catalog().volume(), c.log()).read(asked == EfiMode.CREATE);
            if (menu.menu() == null) {
                efi = EfiMode.NONE;
                uefiNote = "; no UEFI path: " + menu.whyNone();
            }
        }
        return new RemasterPlan(Route.KEEP_ISOLINUX, true, efi, c.grub(), c.o().layout(), prefix + "it boots with "
                + "ISOLINUX already" + uefiNote, Reason.BOOTS_ISOLINUX, complete, false, null, null, null, null,
                menu);
    }

    private static RemasterPlan memdisk(Case c, SourceCatalog.EmulatedDisk disk, String prefix, boolean complete)
            throws BadInputException, java.io.IOException {
        EfiMode asked = c.o().efi();
        if (asked == EfiMode.CREATE) {
            throw new BadInputException(c.source(), "efi=create makes a GRUB path from a Linux boot menu, and the "
                    + "source has none: it boots a " + disk.kind() + " image in El Torito emulation", "Set the efi "
                    + "option to auto or none: the stick then boots that image through ISOLINUX and MEMDISK, "
                    + "from a BIOS").option("efi");
        }
        EfiMode efi = asked == EfiMode.NONE ? EfiMode.NONE : asked == EfiMode.KEEP || c.hasEfi()
                ? c.catalog().efiMode(EfiMode.KEEP) : EfiMode.NONE;
        int more = c.catalog().emulatedDisks().size() - 1;
        return c.plan(Route.MEMDISK, true, efi, c.o().layout(), prefix + "it boots a " + disk.kind() + " image in "
                + "El Torito emulation" + (more > 0 ? " (and its catalog " + more + " more)" : "") + " and has no "
                + "Linux menu", complete, Reason.BOOTS_EMULATED_DISK);
    }

    /**
     * FreeBSD-, OpenBSD- or Windows-style media: a BIOS loader that is not ISOLINUX and no Linux menu to make
     * ISOLINUX's from, but an EFI image: the stick gets the UEFI path, the CD keeps its BIOS entry.
     */
    private static RemasterPlan ownBiosLoaderWithEfi(Case c, String prefix, boolean complete) {
        String why = "its BIOS boot loader is not ISOLINUX and it has no Linux menu to make ISOLINUX's from, but "
                + "it has an El Torito EFI image: the stick boots from UEFI only";
        if (c.usb().uefi() && c.asked() == null && c.layoutChange() == null) {
            return c.plan(Route.COPY, false, EfiMode.KEEP, null, "the source already boots from a stick through UEFI "
                    + "and nothing is asked (" + why + ")", true, Reason.OWN_BIOS_LOADER_WITH_EFI);
        }
        if (c.usb().uefi() && c.layoutChange() == null) {
            return c.plan(Route.KEEP_LAYOUT, false, EfiMode.KEEP, null, "the source already boots from a stick "
                    + "through UEFI, but " + c.asked(), true, Reason.OWN_BIOS_LOADER_WITH_EFI);
        }
        return c.plan(Route.UEFI_ONLY, false, EfiMode.KEEP, c.o().layout(), prefix + why, complete,
                Reason.OWN_BIOS_LOADER_WITH_EFI);
    }

    private static RemasterPlan memdiskCd(Case c, String prefix, boolean complete) throws BadInputException {
        long size = c.catalog().sourceSize();
        EfiMode asked = c.o().efi();
        if (asked == EfiMode.CREATE || asked == EfiMode.KEEP) {
            throw new BadInputException(c.source(), "efi=" + asked + ", but the source has no El Torito EFI image "
                    + "and no Linux boot menu to make a GRUB path from: it boots with a BIOS loader of its own",
                    "Set the efi option to auto or none: the stick then boots from a BIOS").option("efi");
        }
        if (size > MEMDISK_CD_MAX) {
            throw new BadInputException(c.source(), "it boots with a BIOS loader of its own (not ISOLINUX) and has no "
                    + "Linux menu and no EFI image, so a stick could only boot it as a CD copied into memory, and "
                    + "at " + (size >> 20) + " MiB it is larger than the " + (MEMDISK_CD_MAX >> 20) + " MiB nixusb "
                    + "copies so", "Write it to a stick with a tool that installs its own loader, or give the CD a "
                    + "Linux boot menu (systemd-boot entries or a GRUB menu)");
        }
        return c.plan(Route.MEMDISK_CD, true, EfiMode.NONE, c.o().layout(), prefix + "it boots with a BIOS loader "
                + "of its own and has no Linux menu and no EFI image: a stick can only boot a copy of the CD from "
                + "memory", complete, Reason.OWN_BIOS_LOADER_ONLY);
    }

    /** What in the options asks for changes to a source that already boots from USB, or null for nothing. */
    static String changesAsked(RemasterOptions o) throws IOException {
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
        if (o.loopback() == LoopbackMode.ADD) {
            return "loopback=add asks for a " + LoopbackFile.PATH;
        }
        return layoutChangeAsked(o);
    }

    /** What in the options asks for a boot layout other than the source's own, or null. */
    static String layoutChangeAsked(RemasterOptions o) {
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

    /** One line for the log. */
    public String describe() {
        String uefi = switch (efi) {
            case KEEP -> "the source's EFI image";
            case CREATE -> "a created GRUB path for " + String.join(", ", grubArchitectures.stream().map(EfiArch::id)
                    .toList()) + (route == Route.KEEP_ISOLINUX ? " from the ISOLINUX menu" : "");
            default -> "none";
        };
        String bios = switch (route) {
            case COPY, KEEP_LAYOUT -> biosPath ? "the source's" : "none";
            case KEEP_ISOLINUX -> "the source's ISOLINUX";
            case CONVERT -> "ISOLINUX made from the menu";
            case MEMDISK -> "ISOLINUX starting the El Torito disk image with MEMDISK";
            case MEMDISK_CD -> "ISOLINUX starting a copy of the whole CD with MEMDISK, booted as a CD from memory";
            case UEFI_ONLY -> "none";
        };
        return "Plan: " + route.id() + " (" + why + "); BIOS: "
                + bios + "; UEFI: " + uefi + "; layout: " + (layout == null ? "the source's" : layout.id());
    }
}
