package org.nixusb.inspect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootInfoTable;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.hybrid.UefiStickCheck;
import org.nixusb.hybrid.IsohybridMbr;
import org.nixusb.hybrid.PartitionTable;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;

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

            // El Torito
            List<Object> eltorito = new ArrayList<>();
            BootCatalog catalog = null;
            String syslinux = null;
            CatalogEntry biosEntry = null;
            boolean biosIsolinux = false;
            List<FatFileSystem> efiImages = new ArrayList<>();
            String efiLoader = null;
            if (v.bootRecord() != null) {
                long catLba = BootRecord.catalogLba(v.bootRecord());
                try {
                    catalog = BootCatalog.parse(v.image().readBlock(catLba, "the boot catalog"));
                } catch (IllegalArgumentException e) {
                    r.put("elToritoError", "the boot catalog at block " + catLba + " is damaged: " + e.getMessage());
                }
            }
            if (catalog != null) {
                for (CatalogEntry e : catalog.entries()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("platform", e.platformName());
                    m.put("bootable", e.bootable());
                    m.put("media", e.media() == 0 ? "no emulation" : e.emulation() != null ? e.emulation()
                            + " emulation" : "emulation type " + e.media());
                    m.put("loadSize", e.sectorCount());
                    m.put("lba", e.loadLba());
                    IsoEntry f = v.fileAt(e.loadLba());
                    m.put("path", f == null ? null : f.path());
                    if (e.platform() == CatalogEntry.PLATFORM_EFI) {
                        try {
                            long base = e.loadLba() * ImageFile.BLOCK;
                            FatFileSystem fat = FatFileSystem.openWithin(v.image().channel(), base,
                                    v.image().size());
                            long size = fat.length();
                            efiImages.add(fat);
                            List<String> found = new ArrayList<>();
                            for (EfiArch a : EfiArch.values()) {
                                FatFileSystem.FatEntry loader = fat.find(a.loaderPath());
                                if (loader != null && !loader.directory()) {
                                    found.add(a.loaderPath().substring(1) + " " + loader.size() / 1024 + " KiB");
                                }
                            }
                            m.put("content", "FAT" + fat.fatBits() + " file system, " + size / 1024 + " KiB"
                                    + (found.isEmpty() ? ", no EFI/BOOT/BOOT<arch>.EFI" : ", " + String.join(", ",
                                            found)));
                        } catch (IOException | RuntimeException ex) {
                            m.put("content", "not a readable FAT file system: " + ex.getMessage());
                        }
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
                        if (e == catalog.defaultEntry() && e.bootable()) {
                            biosEntry = e;
                            biosIsolinux = hybrid;
                            if (b.reset().find()) {
                                syslinux = b.group().strip();
                            }
                        }
                    }
                    eltorito.add(m);
                }
            }
            r.put("elTorito", eltorito);

            // MBR and GPT, as the partition table reader sees them
            PartitionTable table = PartitionTable.read(v.image());
            Map<String, Object> mbr = new LinkedHashMap<>();
            boolean mbrPresent = table.hasMbr();
            mbr.put("present", mbrPresent);
            boolean isohybrid = false;
            if (mbrPresent) {
                mbr.put("diskId", String.format("0x%08x", table.diskId()));
                isohybrid = biosEntry != null && table.isohybridBootSector() == biosEntry.loadLba() * 4 && biosIsolinux;
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
            }
            r.put("mbr", mbr);
            Map<String, Object> gpt = new LinkedHashMap<>();
            gpt.put("present", table.gptSignature());
            if (table.gptSignature()) {
                gpt.put("valid", table.hasGpt());
            }
            if (table.hasGpt()) {
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
            }
            r.put("gpt", gpt);

            // boot entries: every menu the image carries
            List<Object> entrySets = new ArrayList<>();
            for (BootMenuFinder.Found f : BootMenuFinder.all(v, efiImages, file.getFileName().toString())) {
                entrySets.add(entrySet(f.kind().label(), f.where(), f.menu()));
            }
            r.put("bootEntries", entrySets);
            r.put("syslinux", syslinux);

            // architectures: the EFI loaders' PE machine types and the menus' kernels' headers
            ImageArchitectures archs = ImageArchitectures.read(v, efiImages, BootMenuFinder.all(v, efiImages,
                    file.getFileName().toString()));
            Map<String, Object> arch = new LinkedHashMap<>();
            arch.put("loaders", found(archs.loaders()));
            arch.put("kernels", found(archs.kernels()));
            arch.put("uefi", archs.uefi().stream().map(EfiArch::id).toList());
            arch.put("biosPath", !archs.nonX86Only());
            List<String> firmware = new ArrayList<>();
            if (!archs.nonX86Only()) {
                firmware.add("PC BIOS (x86): " + (biosEntry != null ? "the El Torito BIOS entry" : "no BIOS entry"));
            }
            for (EfiArch a : archs.uefi()) {
                firmware.add(a.id() + " UEFI: " + a.loaderPath().substring(1));
            }
            arch.put("firmware", firmware);
            r.put("architectures", arch);
            Set<EfiArch> uefiArchs = archs.uefi();
            if (!uefiArchs.isEmpty()) {
                efiLoader = String.join(", ", uefiArchs.stream().map(a -> a.loaderPath().substring(1) + " ("
                        + a.id() + ")").toList());
            }

            // verdicts
            Map<String, Object> boots = new LinkedHashMap<>();
            String noBios = archs.nonX86Only() ? "the image is for " + archs.names() + " only; a PC BIOS runs x86 "
                    + "code" : null;
            boots.put("bios-usb", noBios != null ? verdict(false, noBios)
                    : !mbrPresent ? verdict(false, "sector 0 has no MBR (a CD-only image)")
                    : isohybrid ? verdict(true, "isohybrid MBR loads " + pathOf(v, biosEntry) + " ("
                            + (syslinux == null ? "ISOLINUX" : syslinux) + ") from sector " + table.isohybridBootSector())
                    : !table.hasBootCode() ? verdict(false, "the MBR has no boot code")
                    : verdict(null, "the MBR has boot code, but not an isohybrid one for the El Torito BIOS image; "
                            + "nixusb cannot tell whether it boots"));
            boots.put("bios-cdrom", noBios != null ? verdict(false, noBios) : biosEntry != null ? verdict(true, "El Torito BIOS entry " + pathOf(v, biosEntry)
                    + " (" + (biosEntry.media() == 0 ? "no emulation" : "emulation") + ")")
                    : verdict(false, "no bootable El Torito BIOS entry"));
            boolean efiEntry = efiImages.size() > 0;
            boots.put("uefi-cdrom", !efiEntry ? verdict(false, "no readable El Torito EFI image")
                    : efiLoader == null ? verdict(false, "the EFI image has no EFI/BOOT/BOOT<arch>.EFI of an "
                            + "architecture whose name and machine type agree")
                    : verdict(true, "El Torito EFI image with " + efiLoader));
            List<String> problems = UefiStickCheck.uefiUsbProblems(file);
            boots.put("uefi-usb", !problems.isEmpty() ? verdict(false, String.join("; ", problems))
                    : efiLoader == null ? verdict(false, "the EFI partition has no EFI/BOOT/BOOT<arch>.EFI of an "
                            + "architecture whose name and machine type agree")
                    : verdict(true, "EFI partition over the El Torito EFI image (MBR and GPT), with " + efiLoader));
            r.put("boots", boots);
        }
        // what nixusb:remaster makes of it with the default options (planned only: nothing is written)
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
        r.put("remaster", remaster);
        return r;
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
        return sb.toString();
    }
}
