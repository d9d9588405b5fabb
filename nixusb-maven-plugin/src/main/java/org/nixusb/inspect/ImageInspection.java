package org.nixusb.inspect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nixusb.BadInputException;
import org.nixusb.arch.EfiArch;
import org.nixusb.arch.ImageArchitectures;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.bootentry.LiveSystem;
import org.nixusb.eltorito.BootInfoTable;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.eltorito.ElTorito;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.hybrid.UefiStickCheck;
import org.nixusb.hybrid.IsohybridMbr;
import org.nixusb.hybrid.PartitionTable;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.secureboot.EfiPrograms;

/**
 * What an image is and whether it will boot: volume, El Torito entries, MBR and GPT, boot entries,
 * the ISOLINUX version inside, and a verdict with reasons for BIOS USB, BIOS CD, UEFI USB and UEFI CD.
 * The result is a tree of maps and lists, printed as text or JSON.
 */
public final class ImageInspection {
    private static final com.fasterxml.jackson.databind.ObjectWriter JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .writerWithDefaultPrettyPrinter();

    private static final Pattern ISOLINUX_BANNER = Pattern.compile("ISOLINUX (\\d+\\.\\d+)[^\\x00]*");

    private ImageInspection() {
    }

    public static Map<String, Object> inspect(Path file) throws IOException, BadInputException {
        Map<String, Object> r = new LinkedHashMap<>();
        try (IsoVolume v = IsoVolume.open(file)) {
            r.put("file", file.toAbsolutePath().toString());
            r.put("size", v.image().size());
            r.put("volumeId", v.volumeId());
            r.put("volumeBlocks", v.primary().volumeSpaceSize());
            r.put("rockRidge", v.rockRidge());
            r.put("joliet", v.hasJoliet());
            ElTorito elTorito = ElTorito.read(v);
            if (elTorito.damage() != null) {
                r.put("elToritoError", elTorito.damage());
            }
            BiosBoot bios = new BiosBoot();
            r.put("elTorito", catalogEntries(v, elTorito, bios));
            PartitionTable table = PartitionTable.read(v.image());
            boolean isohybrid = table.hasMbr() && bios.entry != null
                    && table.isohybridBootSector() == bios.entry.loadLba() * 4 && bios.isolinux;
            r.put("mbr", mbr(table, isohybrid));
            r.put("gpt", gpt(table));
            List<FatFileSystem> efiImages = elTorito.readableEfiImages();
            List<BootMenuFinder.Found> menus = BootMenuFinder.all(v, efiImages, file.getFileName().toString());
            List<Object> entrySets = new ArrayList<>();
            for (BootMenuFinder.Found f : menus) {
                entrySets.add(entrySet(f.kind().label(), f.where(), f.menu()));
            }
            r.put("bootEntries", entrySets);
            r.put("syslinux", bios.syslinux);
            ImageArchitectures archs = ImageArchitectures.read(v, efiImages, menus);
            r.put("architectures", architectures(archs, bios.entry != null));
            r.put("efiPrograms", efiPrograms(EfiPrograms.read(v, efiImages)));
            r.put("loopback", loopback(v, menus));
            r.put("boots", verdicts(file, v, table, isohybrid, bios, archs, !efiImages.isEmpty()));
        }
        r.put("remaster", remasterPlan(file));
        return r;
    }

    /** The default BIOS entry, as the catalog's entries are read. */
    private static final class BiosBoot {
        CatalogEntry entry;
        /** whether its image carries the isohybrid signature (an isolinux.bin) */
        boolean isolinux;
        /** the ISOLINUX banner in it, or null */
        String syslinux;
    }

    /** Each catalog entry: platform, media, where it points, and what its image is. */
    private static List<Object> catalogEntries(IsoVolume v, ElTorito elTorito, BiosBoot bios) throws IOException,
            BadInputException {
        List<Object> out = new ArrayList<>();
        Map<CatalogEntry, ElTorito.EfiImage> efi = new IdentityHashMap<>();
        for (ElTorito.EfiImage e : elTorito.efiImages()) {
            efi.put(e.entry(), e);
        }
        for (CatalogEntry e : elTorito.entries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("platform", e.platformName());
            m.put("bootable", e.bootable());
            m.put("media", e.media() == 0 ? "no emulation" : e.emulation() != null ? e.emulation()
                    + " emulation" : "emulation type " + e.media());
            m.put("loadSize", e.sectorCount());
            m.put("lba", e.loadLba());
            IsoEntry f = v.fileAt(e.loadLba());
            m.put("path", f == null ? null : f.path());
            if (efi.containsKey(e)) {
                m.put("content", efiContent(efi.get(e)));
            } else if (e.media() == 0) {
                byte[] img = f != null && f.size() < 16 * 1024 * 1024 ? v.read(f)
                        : v.image().read(e.loadLba() * ImageFile.BLOCK, 2048, "the boot image");
                String text = new String(img, StandardCharsets.ISO_8859_1);
                Matcher b = ISOLINUX_BANNER.matcher(text);
                boolean hybrid = IsohybridMbr.hasHybridSignature(img);
                m.put("content", b.find() ? b.group().strip() + (hybrid ? " (isohybrid signature)" : "")
                        : text.contains("GRUB") ? "GRUB" : "not ISOLINUX (GRUB or another loader)");
                if (f != null) {
                    m.put("bootInfoTable", BootInfoTable.valid(img, v.primary().lba(), e.loadLba()) ? "valid"
                            : "absent or invalid");
                }
                if (e == elTorito.catalog().defaultEntry() && e.bootable()) {
                    bios.entry = e;
                    bios.isolinux = hybrid;
                    if (b.reset().find()) {
                        bios.syslinux = b.group().strip();
                    }
                }
            }
            out.add(m);
        }
        return out;
    }

    private static String efiContent(ElTorito.EfiImage image) {
        if (!image.readable()) {
            return "not a readable FAT file system: " + image.problem();
        }
        FatFileSystem fat = image.fat();
        try {
            List<String> found = new ArrayList<>();
            for (EfiArch a : EfiArch.values()) {
                FatFileSystem.FatEntry loader = fat.find(a.loaderPath());
                if (loader != null && !loader.directory()) {
                    found.add(a.loaderPath().substring(1) + " " + loader.size() / 1024 + " KiB");
                }
            }
            return "FAT" + fat.fatBits() + " file system, " + fat.length() / 1024 + " KiB"
                    + (found.isEmpty() ? ", no EFI/BOOT/BOOT<arch>.EFI" : ", " + String.join(", ", found));
        } catch (IOException | RuntimeException ex) {
            return "not a readable FAT file system: " + ex.getMessage();
        }
    }

    /** The MBR as the partition table reader sees it. */
    private static Map<String, Object> mbr(PartitionTable table, boolean isohybrid) {
        Map<String, Object> mbr = new LinkedHashMap<>();
        mbr.put("present", table.hasMbr());
        if (!table.hasMbr()) {
            return mbr;
        }
        mbr.put("diskId", String.format("0x%08x", table.diskId()));
        mbr.put("isohybrid", isohybrid);
        List<Object> parts = new ArrayList<>();
        for (PartitionTable.Partition part : table.partitions()) {
            if (part.scheme() != PartitionTable.Scheme.MBR) {
                continue;
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("number", part.slot() + 1);
            p.put("active", part.active());
            p.put("type", String.format("0x%02x", part.mbrType()));
            p.put("start", part.start());
            p.put("sectors", part.end() - part.start());
            parts.add(p);
        }
        mbr.put("partitions", parts);
        return mbr;
    }

    /** The GPT as the partition table reader sees it. */
    private static Map<String, Object> gpt(PartitionTable table) {
        Map<String, Object> gpt = new LinkedHashMap<>();
        gpt.put("present", table.gptSignature());
        if (table.gptSignature()) {
            gpt.put("valid", table.hasGpt());
        }
        if (!table.hasGpt()) {
            return gpt;
        }
        gpt.put("diskGuid", table.gptDiskGuid().toString());
        List<Object> list = new ArrayList<>();
        for (PartitionTable.Partition part : table.partitions()) {
            if (part.scheme() != PartitionTable.Scheme.GPT) {
                continue;
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("number", part.slot() + 1);
            p.put("type", part.gptType().toString());
            p.put("first", part.start());
            p.put("last", part.end() - 1);
            p.put("name", part.name());
            list.add(p);
        }
        gpt.put("partitions", list);
        return gpt;
    }

    /** The EFI loaders' PE machine types, the menus' kernels' headers, and the firmware that can start them. */
    private static Map<String, Object> architectures(ImageArchitectures archs, boolean biosEntry) {
        Map<String, Object> arch = new LinkedHashMap<>();
        arch.put("loaders", found(archs.loaders()));
        arch.put("kernels", found(archs.kernels()));
        arch.put("uefi", archs.uefi().stream().map(EfiArch::id).toList());
        arch.put("biosPath", !archs.nonX86Only());
        List<String> firmware = new ArrayList<>();
        if (!archs.nonX86Only()) {
            firmware.add("PC BIOS (x86): " + (biosEntry ? "the El Torito BIOS entry" : "no BIOS entry"));
        }
        for (EfiArch a : archs.uefi()) {
            firmware.add(a.id() + " UEFI: " + a.loaderPath().substring(1));
        }
        arch.put("firmware", firmware);
        return arch;
    }

    /** Every EFI program under /EFI: its machine, signature, signer and SBAT, and whether it is in the boot chain. */
    private static List<Object> efiPrograms(List<EfiPrograms.Program> programs) {
        List<EfiPrograms.Program> chain = EfiPrograms.chain(programs);
        List<Object> out = new ArrayList<>();
        for (EfiPrograms.Program p : programs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("where", p.where());
            m.put("arch", p.arch() == null ? EfiArch.describeMachine(p.machine()) : p.arch().id());
            m.put("signed", p.signed());
            m.put("signer", p.signer());
            m.put("sbat", p.sbat() == null ? null : p.sbat().levels());
            if (p.sbat() != null && !p.sbat().problems().isEmpty()) {
                m.put("sbatProblems", p.sbat().problems());
            }
            m.put("bootChain", chain.contains(p));
            m.put("authenticodeSha256", p.sha256());
            if (!p.vendorDbx().isEmpty()) {
                m.put("revokedHashes", p.vendorDbx().size());
            }
            if (p.problem() != null) {
                m.put("problem", p.problem());
            }
            out.add(m);
        }
        return out;
    }

    /**
     * Whether it boots as an ISO file on a multi-boot stick (a GRUB that loop-mounts it and reads its
     * {@code /boot/grub/loopback.cfg}): its own file, and the live system its menus name, which decides the argument
     * that makes the initramfs find its root inside the file.
     */
    private static Map<String, Object> loopback(IsoVolume v, List<BootMenuFinder.Found> menus) {
        Map<String, Object> m = new LinkedHashMap<>();
        IsoEntry own = v.findIgnoringCase("/boot/grub/loopback.cfg");
        m.put("loopbackCfg", own == null || own.isDirectory() ? null : own.path());
        LiveSystem.Found kind = new LiveSystem.Found(LiveSystem.UNKNOWN, "the image has no Linux boot menu");
        for (BootMenuFinder.Found f : menus) {
            kind = LiveSystem.of(f.menu());
            if (kind.kind() != LiveSystem.UNKNOWN) {
                break;
            }
        }
        m.put("liveSystem", kind.kind().description());
        m.put("liveSystemReason", kind.reason());
        m.put("isoFileArgument", kind.kind().isoFileArg());
        m.put("verdict", own != null && !own.isDirectory() ? "boots from an ISO file through its own " + own.path()
                : kind.kind().isoFileArg() != null ? "no loopback.cfg; its initramfs (" + kind.kind().description()
                        + ") finds its root in an ISO file with " + kind.kind().isoFileArg() + ", so one can be written"
                : "no loopback.cfg, and no argument is known that makes its initramfs find its root in an ISO file ("
                        + kind.reason() + ")");
        return m;
    }

    /** Whether it boots as a BIOS stick, a BIOS CD, a UEFI CD and a UEFI stick, each with its reason. */
    private static Map<String, Object> verdicts(Path file, IsoVolume v, PartitionTable table, boolean isohybrid,
            BiosBoot bios, ImageArchitectures archs, boolean efiEntry) throws IOException, BadInputException {
        Set<EfiArch> uefiArchs = archs.uefi();
        String efiLoader = uefiArchs.isEmpty() ? null : String.join(", ", uefiArchs.stream()
                .map(a -> a.loaderPath().substring(1) + " (" + a.id() + ")").toList());
        Map<String, Object> boots = new LinkedHashMap<>();
        String noBios = archs.nonX86Only() ? "the image is for " + archs.names() + " only; a PC BIOS runs x86 "
                + "code" : null;
        boots.put("bios-usb", noBios != null ? verdict(false, noBios)
                : !table.hasMbr() ? verdict(false, "sector 0 has no MBR (a CD-only image)")
                : isohybrid ? verdict(true, "isohybrid MBR loads " + pathOf(v, bios.entry) + " ("
                        + (bios.syslinux == null ? "ISOLINUX" : bios.syslinux) + ") from sector "
                        + table.isohybridBootSector())
                : !table.hasBootCode() ? verdict(false, "the MBR has no boot code")
                : table.uefiOnlyBootCode() ? verdict(false, "the MBR's boot code only says that the stick boots from "
                        + "UEFI only (nixusb's UEFI-only stick: its BIOS loader starts from a CD, not from a disk)")
                : verdict(null, "the MBR has boot code, but not an isohybrid one for the El Torito BIOS image; "
                        + "nixusb cannot tell whether it boots"));
        boots.put("bios-cdrom", noBios != null ? verdict(false, noBios)
                : bios.entry != null ? verdict(true, "El Torito BIOS entry " + pathOf(v, bios.entry)
                        + " (" + (bios.entry.media() == 0 ? "no emulation" : "emulation") + ")")
                : verdict(false, "no bootable El Torito BIOS entry"));
        boots.put("uefi-cdrom", !efiEntry ? verdict(false, "no readable El Torito EFI image")
                : efiLoader == null ? verdict(false, "the EFI image has no EFI/BOOT/BOOT<arch>.EFI of an "
                        + "architecture whose name and machine type agree")
                : verdict(true, "El Torito EFI image with " + efiLoader));
        List<String> problems = UefiStickCheck.uefiUsbProblems(file);
        boots.put("uefi-usb", !problems.isEmpty() ? verdict(false, String.join("; ", problems))
                : efiLoader == null ? verdict(false, "the EFI partition has no EFI/BOOT/BOOT<arch>.EFI of an "
                        + "architecture whose name and machine type agree")
                : verdict(true, "EFI partition over the El Torito EFI image (MBR and GPT), with " + efiLoader));
        return boots;
    }

    /** What nixusb:remaster makes of it with the default options (planned only: nothing is written). */
    private static Map<String, Object> remasterPlan(Path file) {
        Map<String, Object> remaster = new LinkedHashMap<>();
        try {
            org.nixusb.remaster.RemasterPlan plan = new org.nixusb.remaster.Remaster(org.nixusb.BuildLog.SILENT).plan(
                    org.nixusb.remaster.RemasterOptions.of(file, file.resolveSibling(file.getFileName() + ".usb.iso")));
            remaster.put("route", plan.route().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            remaster.put("plan", plan.describe());
        } catch (BadInputException refused) {
            remaster.put("refused", refused.getMessage());
        } catch (IOException | RuntimeException unreadable) {
            remaster.put("refused", "the image could not be read to the end of the plan: " + unreadable.getMessage());
        }
        return remaster;
    }

    private static List<Object> found(List<ImageArchitectures.Found> list) {
        List<Object> out = new ArrayList<>();
        for (ImageArchitectures.Found f : list) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("where", f.where());
            m.put("arch", f.processor());
            m.put("detail", f.detail());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> entrySet(String kind, String where, BootMenu menu) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("where", where);
        m.put("default", menu.defaultId());
        List<Object> list = new ArrayList<>();
        for (BootEntry e : menu.entries()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", e.id());
            x.put("title", e.title());
            x.put("kernel", e.kernel());
            x.put("initrds", e.initrds());
            x.put("options", e.options());
            list.add(x);
        }
        m.put("entries", list);
        return m;
    }

    private static Map<String, Object> verdict(Boolean boots, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("boots", boots == null ? "unknown" : boots ? "yes" : "no");
        m.put("reason", reason);
        return m;
    }

    private static String pathOf(IsoVolume v, CatalogEntry e) {
        IsoEntry f = v.fileAt(e.loadLba());
        return f == null ? "the image at block " + e.loadLba() : f.path();
    }

    /** The report as JSON. */
    public static String json(Map<String, Object> report) {
        try {
            return JSON.writeValueAsString(report) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the report holds only maps, lists, strings and numbers", e);
        }
    }

    /** The report as text for a terminal. */
    @SuppressWarnings("unchecked")
    public static String text(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder();
        volumeText(sb, r);
        tablesText(sb, r);
        entriesText(sb, r);
        programsText(sb, r);
        loopbackText(sb, r);
        verdictsText(sb, r);
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void loopbackText(StringBuilder sb, Map<String, Object> r) {
        Map<String, Object> l = (Map<String, Object>) r.get("loopback");
        if (l != null) {
            sb.append("As an ISO file on a multi-boot stick (GRUB loopback):\n  ").append(l.get("verdict"))
                    .append("\n  live system: ").append(l.get("liveSystem")).append(" (").append(l.get("liveSystemReason"))
                    .append(")\n");
        }
    }

    @SuppressWarnings("unchecked")
    private static void volumeText(StringBuilder sb, Map<String, Object> r) {
        sb.append(String.format("%s%n  %d bytes, volume id '%s', %d blocks%s%s%n", r.get("file"), r.get("size"),
                r.get("volumeId"), r.get("volumeBlocks"), (Boolean) r.get("rockRidge") ? ", Rock Ridge" : "",
                (Boolean) r.get("joliet") ? ", Joliet" : ""));
        sb.append("El Torito:\n");
        List<Object> et = (List<Object>) r.get("elTorito");
        if (et.isEmpty()) {
            sb.append("  none").append(r.containsKey("elToritoError") ? " (" + r.get("elToritoError") + ")" : "")
                    .append('\n');
        }
        for (Object o : et) {
            Map<String, Object> m = (Map<String, Object>) o;
            sb.append(String.format("  %-8s %s, %s, load size %s, block %s, %s: %s%s%n", m.get("platform"),
                    (Boolean) m.get("bootable") ? "bootable" : "not bootable", m.get("media"), m.get("loadSize"),
                    m.get("lba"), m.get("path") == null ? "(no file)" : m.get("path"), m.get("content"),
                    m.containsKey("bootInfoTable") ? ", boot info table " + m.get("bootInfoTable") : ""));
        }
    }

    @SuppressWarnings("unchecked")
    private static void tablesText(StringBuilder sb, Map<String, Object> r) {
        Map<String, Object> mbr = (Map<String, Object>) r.get("mbr");
        sb.append("MBR: ");
        if (!(Boolean) mbr.get("present")) {
            sb.append("none\n");
        } else {
            sb.append(String.format("disk id %s%s%n", mbr.get("diskId"), (Boolean) mbr.get("isohybrid") ? ", isohybrid"
                    : ""));
            for (Object o : (List<Object>) mbr.get("partitions")) {
                Map<String, Object> p = (Map<String, Object>) o;
                sb.append(String.format("  %s%s type %s, sectors %s-%s (%s)%n", p.get("number"),
                        (Boolean) p.get("active") ? " *" : "  ", p.get("type"), p.get("start"),
                        (Long) p.get("start") + (Long) p.get("sectors") - 1, p.get("sectors")));
            }
        }
        Map<String, Object> gpt = (Map<String, Object>) r.get("gpt");
        sb.append("GPT: ");
        if (!(Boolean) gpt.get("present")) {
            sb.append("none\n");
        } else {
            sb.append("disk ").append(gpt.get("diskGuid")).append('\n');
            for (Object o : (List<Object>) gpt.getOrDefault("partitions", List.of())) {
                Map<String, Object> p = (Map<String, Object>) o;
                sb.append(String.format("  %s  %s, sectors %s-%s, \"%s\"%n", p.get("number"), p.get("type"),
                        p.get("first"), p.get("last"), p.get("name")));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void entriesText(StringBuilder sb, Map<String, Object> r) {
        sb.append("Boot entries:\n");
        List<Object> sets = (List<Object>) r.get("bootEntries");
        if (sets.isEmpty()) {
            sb.append("  none found\n");
        }
        for (Object o : sets) {
            Map<String, Object> s = (Map<String, Object>) o;
            sb.append(String.format("  %s (%s), default %s%n", s.get("kind"), s.get("where"), s.get("default")));
            for (Object x : (List<Object>) s.get("entries")) {
                Map<String, Object> e = (Map<String, Object>) x;
                sb.append(String.format("    %s: %s -> %s %s%n", e.get("id"), e.get("title"), e.get("kernel"),
                        e.get("options")));
            }
        }
        sb.append("Syslinux in the image: ").append(r.get("syslinux") == null ? "none" : r.get("syslinux")).append('\n');
        Map<String, Object> arch = (Map<String, Object>) r.get("architectures");
        sb.append("Architectures:\n");
        for (String kind : List.of("loaders", "kernels")) {
            for (Object o : (List<Object>) arch.get(kind)) {
                Map<String, Object> f = (Map<String, Object>) o;
                sb.append(String.format("  %-7s %-8s %s (%s)%n", kind.equals("loaders") ? "loader" : "kernel",
                        f.get("arch"), f.get("where"), f.get("detail")));
            }
        }
        sb.append("  boots on: ").append(((List<Object>) arch.get("firmware")).isEmpty() ? "nothing nixusb can tell"
                : String.join("; ", (List<String>) (List<?>) arch.get("firmware"))).append('\n');
    }

    @SuppressWarnings("unchecked")
    private static void programsText(StringBuilder sb, Map<String, Object> r) {
        List<Object> programs = (List<Object>) r.getOrDefault("efiPrograms", List.of());
        sb.append("EFI programs (Secure Boot):").append(programs.isEmpty() ? " none\n" : "\n");
        for (Object o : programs) {
            Map<String, Object> p = (Map<String, Object>) o;
            List<String> sbat = (List<String>) p.get("sbat");
            sb.append(String.format("  %s: %s, %s, %s%s%s%s%n", p.get("where"), p.get("arch"),
                    (Boolean) p.get("signed") ? "signed" + (p.get("signer") == null ? "" : " by " + p.get("signer"))
                            : "unsigned",
                    sbat == null ? "no SBAT" : "SBAT " + String.join(" ", sbat),
                    p.get("revokedHashes") == null ? "" : ", revokes " + p.get("revokedHashes") + " hashes itself",
                    (Boolean) p.get("bootChain") ? " (boot chain)" : "",
                    p.containsKey("problem") ? "; " + p.get("problem") : p.containsKey("sbatProblems") ? "; SBAT: "
                            + p.get("sbatProblems") : ""));
        }
    }

    @SuppressWarnings("unchecked")
    private static void verdictsText(StringBuilder sb, Map<String, Object> r) {
        sb.append("Will it boot?\n");
        Map<String, Object> boots = (Map<String, Object>) r.get("boots");
        for (Map.Entry<String, Object> b : boots.entrySet()) {
            Map<String, Object> vd = (Map<String, Object>) b.getValue();
            sb.append(String.format("  %-10s %-7s %s%n", b.getKey(), vd.get("boots"), vd.get("reason")));
        }
        Map<String, Object> remaster = (Map<String, Object>) r.get("remaster");
        if (remaster != null) {
            sb.append("nixusb:remaster with the defaults: ").append(remaster.containsKey("plan") ? remaster.get("plan")
                    : "refused: " + remaster.get("refused")).append('\n');
        }
    }
}
