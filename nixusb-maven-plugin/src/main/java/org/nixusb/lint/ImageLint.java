package org.nixusb.lint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.nixusb.BadInputException;
import org.nixusb.arch.EfiArch;
import org.nixusb.binary.Bytes;
import org.nixusb.eltorito.BootCatalog;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.CatalogEntry;
import org.nixusb.eltorito.ElTorito;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.hybrid.Guid;
import org.nixusb.hybrid.IsohybridMbr;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.pe.PeImage;
import org.nixusb.secureboot.EfiPrograms;
import org.nixusb.secureboot.SbatLevels;

/**
 * Judges an image's stick layout against what firmware is known to refuse: it reads the MBR, both GPT copies,
 * the El Torito catalog, the EFI System Partition and the volume size, and reports each problem as a
 * {@link Finding} with the bytes it read and a cure. It never writes.
 */
public final class ImageLint {
    private static final int SECTOR = 512;

    /** The findings for one image, worst first. */
    public record Report(Path image, long size, List<Finding> findings) {
        /** The worst severity found, or null when there is none. */
        public Severity worst() {
            return findings.stream().map(Finding::severity).min(Enum::compareTo).orElse(null);
        }

        public List<String> ids() {
            return findings.stream().map(Finding::id).toList();
        }

        /**
         * The findings that reach {@code threshold} and that {@code source}'s report does not have too: what a
         * remaster brought in, as opposed to what a kept layout kept of its source.
         */
        public List<Finding> introducedOver(Report source, Severity threshold) {
            java.util.Set<String> had = new java.util.HashSet<>(source.ids());
            return findings.stream().filter(f -> f.severity().reaches(threshold) && !had.contains(f.id())).toList();
        }

        public String text() {
            StringBuilder sb = new StringBuilder(image + ": " + (findings.isEmpty() ? "no findings" : findings.size()
                    + " finding" + (findings.size() == 1 ? "" : "s")) + "\n");
            for (Finding f : findings) {
                sb.append(String.format("  %-7s %s: %s%n          read: %s%n          firmware: %s%n          cure: %s%n",
                        f.severity(), f.id(), f.problem(), f.read(), f.firmware(), f.cure()));
            }
            return sb.toString();
        }

        public String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("image", image.toString());
            m.put("size", size);
            m.put("worst", worst() == null ? "none" : worst().name().toLowerCase(java.util.Locale.ROOT));
            List<Object> list = new ArrayList<>();
            for (Finding f : findings) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("id", f.id());
                x.put("severity", f.severity().name().toLowerCase(java.util.Locale.ROOT));
                x.put("problem", f.problem());
                x.put("read", f.read());
                x.put("firmware", f.firmware());
                x.put("cure", f.cure());
                list.add(x);
            }
            m.put("findings", list);
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(m) + "\n";
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A GPT header as read, with what checks out. */
    private record Gpt(long at, boolean signature, boolean headerCrc, boolean entriesCrc, long myLba, long alternate,
            long firstUsable, long lastUsable, UUID disk, long entriesLba, int count, int entrySize, long entriesCrc32,
            byte[] entries, String hex) {
        boolean valid() {
            return signature && headerCrc && entriesCrc;
        }
    }

    /** A partition of either table, in 512-byte sectors, end exclusive. */
    private record Part(String table, int number, long start, long end, int mbrType, UUID gptType, boolean active) {
        String name() {
            return table + " partition " + number + " (sectors " + start + "-" + (end - 1) + ", type "
                    + (gptType == null ? String.format("0x%02X", mbrType) : gptType.toString().toUpperCase()) + ")";
        }

        boolean esp() {
            return gptType == null ? mbrType == 0xEF : Guid.EFI_SYSTEM.equals(gptType);
        }
    }

    private final List<Finding> findings = new ArrayList<>();
    /**
     * The MBR partition of isohybrid's nested layout: from sector 0, over every other partition of both tables (the
     * ISO 9660 volume with the EFI image inside it, as xorriso -isohybrid-mbr -isohybrid-gpt-basdat, isohybrid -u and
     * nixusb's default layout write it); null when the image has no such layout.
     */
    private Part nest;
    /** The GPT entries that start inside the GPT's own sectors, judged once {@link #nest} is known. */
    private final List<Part> outsideUsable = new ArrayList<>();

    /** What firmware does with isohybrid's nested layout, the same for each of its findings. */
    private static final String NESTED_FIRMWARE = "part of isohybrid's nested layout (xorriso -isohybrid-mbr "
            + "-isohybrid-gpt-basdat, isohybrid -u; Debian's install media have it): every PC BIOS reads it and the UEFI "
            + "firmware of the PCs such media have been booted on for a decade takes the ESP from the MBR; sgdisk and "
            + "gparted call the table broken, and firmware that insists on the UEFI rules for a GPT (some Macs, some "
            + "servers' BMCs, VMware) may ignore the GPT and find no ESP";
    private static final String NESTED_CURE = "Nothing for PCs; where such firmware must boot it, a layout without "
            + "nesting: nixusb's gpt or appended layout (which lint finds clean), or xorriso -partition_offset 16 "
            + "-append_partition 2 0xef efi.img -appended_part_as_gpt --mbr-force-bootable";

    /** Whether {@code outer} is the nest or a partition from its first 32 KiB that holds {@code inner} whole. */
    private boolean nests(Part outer, Part inner) {
        return nest != null && (outer == nest || outer.start() <= 64 && outer.end() >= inner.end())
                && outer.start() <= inner.start() && inner.end() <= nest.end();
    }

    private static boolean within(Part inner, Part outer) {
        return outer.start() <= inner.start() && inner.end() <= outer.end();
    }
    private FileChannel ch;
    private long size;
    /** the SBAT revocation levels a PC may hold, oldest first */
    private List<SbatLevels.Level> sbatLevels;
    /** the Authenticode SHA-256 hashes (hex) of a revocation list a PC may hold */
    private List<String> dbx = List.of();
    /** whether a FAT32 copy of the files is judged too */
    private boolean fatCopy;

    private ImageLint() {
    }

    /** Lints {@code image} (any file or block device: an ISO's El Torito and volume checks need ISO 9660). */
    public static Report lint(Path image) throws IOException, BadInputException {
        return lint(image, SbatLevels.pinned());
    }

    /** {@link #lint(Path)}, judging SBAT against {@code sbatLevels} (oldest first) instead of the pinned levels. */
    public static Report lint(Path image, List<SbatLevels.Level> sbatLevels) throws IOException,
            BadInputException {
        return lint(image, sbatLevels, List.of());
    }

    /**
     * {@link #lint(Path, List)}, also judging the chain against a revocation list a PC may hold ({@code dbx}: the
     * Authenticode SHA-256 hashes, hex).
     */
    public static Report lint(Path image, List<SbatLevels.Level> sbatLevels, List<String> dbx) throws IOException,
            BadInputException {
        return lint(image, sbatLevels, dbx, false);
    }

    /**
     * {@link #lint(Path, List, List)}, with {@code fatCopy} also judging a copy of the image's files onto a FAT32 stick
     * ({@link FatCopyCheck}).
     */
    public static Report lint(Path image, List<SbatLevels.Level> sbatLevels, List<String> dbx, boolean fatCopy)
            throws IOException, BadInputException {
        if (!java.nio.file.Files.exists(image) || java.nio.file.Files.isDirectory(image)) {
            throw new BadInputException(image, "there is no image file here", "Name an existing image or block "
                    + "device");
        }
        ImageLint l = new ImageLint();
        l.sbatLevels = sbatLevels;
        l.dbx = dbx.stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
        l.fatCopy = fatCopy;
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            l.ch = ch;
            l.size = ch.size();
            if (l.size < 2 * SECTOR) {
                throw new BadInputException(image, "is " + l.size + " bytes, too small to hold a partition table",
                        "Lint a disk image or an ISO");
            }
            l.run(image);
        }
        List<Finding> sorted = new ArrayList<>(l.findings);
        sorted.sort((a, b) -> a.severity().compareTo(b.severity()));
        return new Report(image, l.size, List.copyOf(sorted));
    }

    private void add(String id, Severity s, String problem, String read, String firmware, String cure) {
        findings.add(new Finding(id, s, problem, read, firmware, cure));
    }

    private byte[] read(long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                break;
            }
        }
        return b.array();
    }

    private static String hex(byte[] b, int off, int len) {
        return HexFormat.ofDelimiter(" ").formatHex(b, off, off + len);
    }

    // lint reads the tables, the catalog and the EFI images with its own code on purpose, not with the hybrid and
    // eltorito packages' readers: it judges what those writers made, so a mistake shared by a writer and its reader
    // cannot hide from it
    private byte[] mbr;
    private boolean mbrSig;
    private List<Part> mbrParts;
    private Part ee;
    private Gpt primary;
    private final List<Part> gptParts = new ArrayList<>();
    private long sectors;

    private void run(Path image) throws IOException {
        sectors = size / SECTOR;
        mbr = read(0, SECTOR);
        mbrSig = (mbr[510] & 0xFF) == 0x55 && (mbr[511] & 0xFF) == 0xAA;
        mbrParts = mbrSig ? mbrPartitions(mbr) : List.of();
        ee = mbrParts.stream().filter(p -> p.mbrType() == 0xEE).findFirst().orElse(null);
        primary = gpt(1);
        if (primary.signature()) {
            checkGpt(primary, sectors, gptParts);
        }
        checkMbr();
        List<Part> real = mbrParts.stream().filter(p -> p.mbrType() != 0xEE).toList();
        checkNestingAndOverlaps(real);
        IsoVolume volume = openIso(image);
        try {
            long efiElTorito = volume == null ? -1 : efiEntry(volume);
            checkEspPlacement(efiElTorito);
            if (volume != null) {
                checkBiosCode(volume, mbr);
                checkSbat(volume);
                if (fatCopy) {
                    findings.addAll(FatCopyCheck.check(volume));
                }
            }
            checkVolumeSize();
        } finally {
            if (volume != null) {
                volume.close();
            }
        }
    }

    private static List<Part> mbrPartitions(byte[] mbr) {
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int o = 446 + 16 * i;
            long start = Bytes.u32le(mbr, o + 8);
            long count = Bytes.u32le(mbr, o + 12);
            if (count != 0) {
                parts.add(new Part("MBR", i + 1, start, start + count, mbr[o + 4] & 0xFF, null, (mbr[o] & 0xFF) == 0x80));
            }
        }
        return parts;
    }

    /** The MBR a GPT needs, a protective MBR's flags, an Apple partition map, no table at all. */
    private void checkMbr() throws IOException {
        if (primary.signature() && mbrParts.isEmpty()) {
            add("GPT_WITHOUT_MBR", Severity.ERROR, "the image has a GPT but no MBR partition table",
                    "sector 0 bytes 446-511: " + hex(mbr, 446, 16) + " ... " + hex(mbr, 510, 2),
                    "a BIOS reads only the MBR, so it finds nothing to boot; UEFI requires a protective MBR before a GPT "
                            + "(UEFI 2.10, 5.2.3) and strict firmware ignores the disk without one (xorriso "
                            + "-isohybrid-gpt-basdat without -isohybrid-mbr makes such images)",
                    "Remaster it with nixusb (its layout has an MBR a BIOS reads), or add -isohybrid-mbr to xorriso");
        }
        if (pureProtective() && !ee.active()) {
            add("PROTECTIVE_MBR_NOT_ACTIVE", Severity.WARNING, "the protective MBR's 0xEE entry is not marked active",
                    "sector 0 bytes " + (446 + 16 * (ee.number() - 1)) + "-" + (461 + 16 * (ee.number() - 1)) + ": "
                            + hex(mbr, 446 + 16 * (ee.number() - 1), 16),
                    "some legacy BIOSes (HP, some ThinkPads) boot a disk only when one MBR entry is active; UEFI "
                            + "ignores the flag",
                    "Mark the 0xEE entry active (xorriso --mbr-force-bootable)");
        }
        if (ee != null && !pureProtective() && ee.start() != 1) {
            add("HYBRID_MBR_EE_NOT_AT_SECTOR_1", Severity.WARNING, "the hybrid MBR's 0xEE entry starts at sector "
                    + ee.start() + ", not at sector 1 where the GPT header is", "MBR " + ee.name(),
                    "UEFI firmware and Linux treat a disk whose 0xEE entry does not cover the GPT header as an MBR disk "
                            + "and ignore the GPT", "Rebuild it with the 0xEE entry from sector 1, or remaster it with nixusb");
        }
        org.nixusb.hybrid.ApplePartitionMap apm = org.nixusb.hybrid.ApplePartitionMap.read(read(0,
                (int) Math.min(size, 32768)));
        if (apm != null) {
            add("APPLE_PARTITION_MAP", Severity.INFO, "the system area holds an Apple partition map ("
                    + apm.entries().size() + " entries)", "bytes 0-1 'ER', " + apm.describe(), "Macs that boot from "
                    + "an Apple partition map (PowerPC, early Intel) find its HFS/HFS+ partitions through it; PC BIOSes "
                    + "and UEFI firmware ignore it", "Nothing to cure; nixusb keeps it where it keeps the source's "
                    + "layout, and says so where a layout it writes replaces it");
        }
        if (mbrParts.isEmpty() && !primary.signature()) {
            add("NO_PARTITION_TABLE", Severity.INFO, apm != null ? "the image has no MBR or GPT partition table, only "
                    + "an Apple partition map (a CD made for PCs and Macs)" : "the image has no partition table (a "
                    + "CD-only image)",
                    "sector 0 bytes 446-511: " + hex(mbr, 446, 16) + " ... " + hex(mbr, 510, 2), "it boots from a CD "
                    + "(El Torito); written to a stick, firmware finds nothing to boot", "Remaster it with nixusb");
        }
    }

    private boolean pureProtective() {
        return ee != null && mbrParts.size() == 1;
    }

    /** isohybrid's nested layout (rated by what firmware does with it, a note, not a risk) and overlaps. */
    private void checkNestingAndOverlaps(List<Part> real) {
        Part from0 = real.stream().filter(p -> p.start() == 0).findFirst().orElse(null);
        if (from0 != null && real.size() > 1 && concat(real, gptParts).stream().allMatch(p -> within(p, from0))) {
            nest = from0;
        }
        for (Part part : outsideUsable) {
            boolean nested = nest != null && within(part, nest);
            add("GPT_PARTITION_OUTSIDE_USABLE", nested ? Severity.INFO : Severity.WARNING, part.name() + " lies "
                    + "outside the GPT's usable sectors " + primary.firstUsable() + "-" + primary.lastUsable(),
                    "GPT entry " + part.number(), nested ? NESTED_FIRMWARE : "the partition overlaps the GPT's own "
                    + "tables; strict firmware and tools reject the table", nested ? NESTED_CURE : UNNESTED_CURE);
        }
        // overlaps
        overlaps(real, "a BIOS reads the partition it boots and ignores the rest; UEFI firmware and tools (sgdisk, "
                + "gparted) call overlapping partitions a broken table and some firmware refuses the disk");
        overlaps(gptParts, "the UEFI specification forbids overlapping GPT partitions; strict firmware may ignore the "
                + "whole GPT");
        if (primary.valid()) {
            for (Part p : real) {
                if (p.start() < primary.firstUsable() && p.end() > 1) {
                    boolean nested = p == nest;
                    add("PARTITION_OVERLAPS_GPT", nested ? Severity.INFO : Severity.WARNING, p.name() + " overlaps "
                            + "the GPT's own sectors (1-" + (primary.firstUsable() - 1) + ")", "MBR " + p.name()
                            + "; GPT first usable sector " + primary.firstUsable(), nested ? NESTED_FIRMWARE : "the "
                            + "partition table describes itself as data: sgdisk reports the main table overlapping "
                            + "the first partition, some firmware distrusts such a disk", nested ? NESTED_CURE
                            : UNNESTED_CURE);
                }
            }
        }
        for (Part p : concat(mbrParts, gptParts)) {
            if (p.end() > sectors) {
                add("PARTITION_BEYOND_IMAGE", Severity.ERROR, p.name() + " ends at sector " + (p.end() - 1)
                        + ", beyond the image's last sector " + (sectors - 1), p.table() + " " + p.name(),
                        "firmware and kernels refuse or truncate a partition past the end of the disk; a tool that "
                                + "cut the image short leaves this", "Rebuild the image; do not truncate it");
            }
        }
    }

    /** The EFI System Partition firmware would use: the GPT's when the MBR hands the disk to it (0xEE), else the MBR's. */
    private void checkEspPlacement(long efiElTorito) throws IOException {
        boolean gptRules = ee != null && primary.valid();
        List<Part> mbrEsp = mbrParts.stream().filter(Part::esp).toList();
        List<Part> gptEsp = gptParts.stream().filter(Part::esp).toList();
        if (!gptRules && !mbrEsp.isEmpty() && primary.valid() && gptEsp.isEmpty()) {
            boolean nested = nest != null && mbrEsp.get(0) != nest && within(mbrEsp.get(0), nest);
            add("ESP_ONLY_IN_MBR", nested ? Severity.INFO : Severity.WARNING, "the EFI System Partition is only "
                    + "in the MBR (type 0xEF); the GPT has no partition of the EFI System type", "MBR "
                    + mbrEsp.get(0).name() + "; GPT " + gptParts.stream().map(Part::name).toList(), nested
                    ? NESTED_FIRMWARE : "UEFI firmware reading the MBR (no 0xEE entry) finds it; firmware that "
                    + "prefers a valid GPT (some Macs, BMCs, VMware) finds no ESP and does not boot the stick",
                    nested ? NESTED_CURE : UNNESTED_CURE);
        }
        if (gptRules && gptEsp.isEmpty() && !mbrEsp.isEmpty()) {
            add("ESP_ONLY_IN_MBR", Severity.ERROR, "the MBR hands the disk to the GPT (0xEE), which has no EFI System "
                    + "Partition; only the MBR has one", "MBR " + mbrEsp.get(0).name(), "UEFI firmware uses the "
                    + "GPT here and finds no ESP", "Type the ESP in the GPT (C12A7328-F81F-11D2-BA4B-00A0C93EC93B), or remaster it with nixusb");
        }
        if (gptRules && !gptEsp.isEmpty() && mbrEsp.isEmpty() && !pureProtective()) {
            add("ESP_ONLY_IN_GPT", Severity.INFO, "the EFI System Partition is only in the GPT", "GPT "
                    + gptEsp.get(0).name(), "UEFI firmware follows the 0xEE entry to the GPT and finds it; "
                    + "firmware that reads only MBRs does not", "Nothing, unless such firmware must boot it "
                    + "(nixusb's isohybrid layout publishes it in the MBR too)");
        }
        Part esp = gptRules ? (gptEsp.isEmpty() ? null : gptEsp.get(0)) : (mbrEsp.isEmpty() ? null : mbrEsp.get(0));
        if (esp == null && efiElTorito >= 0 && (mbrSig && !mbrParts.isEmpty() || primary.signature())) {
            add("NO_ESP", Severity.WARNING, "the image has an El Torito EFI image but no EFI System Partition in the "
                    + "partition table firmware reads", "El Torito EFI image at sector " + efiElTorito
                    + "; partitions " + concat(mbrParts, gptParts).stream().map(Part::name).toList(),
                    "a CD boots in UEFI; as a stick it boots only on firmware that also looks for El Torito on "
                            + "disks (QEMU's OVMF does, real firmware need not)",
                    "Remaster it (nixusb writes the ESP into the partition tables)");
        }
        if (esp != null && esp.end() <= sectors) {
            checkEsp(esp, efiElTorito);
        }
    }

    /** The volume size against the file's: read from the descriptor itself, since nixusb's ISO reader refuses a truncated volume. */
    private void checkVolumeSize() throws IOException {
        byte[] pvd = size >= 32768 + 2048 ? read(32768, 2048) : null;
        if (pvd != null && pvd[0] == 1 && "CD001".equals(Bytes.ascii(pvd, 1, 5))) {
            long blocks = Bytes.u32le(pvd, 80);
            if (blocks * ImageFile.BLOCK > size) {
                add("VOLUME_BEYOND_FILE", Severity.ERROR, "the ISO 9660 volume says it has " + blocks
                        * ImageFile.BLOCK + " bytes, the file has " + size, "primary volume descriptor bytes "
                        + "80-83 (volume space size): " + hex(pvd, 80, 4) + " = " + blocks + " blocks",
                        "files at the end of the volume are missing: the boot or the live system fails when it "
                                + "reads them", "Download or copy the image again; it was cut short");
            }
        }
    }

    /**
     * Secure Boot revocations of the removable-media boot chain: a program that a published SbatLevel refuses (the
     * oldest such level is named), and a shim whose own level refuses the program it loads. The EFI programs are read
     * with the shared reader: nixusb writes no SBAT, so no writer's mistake can hide behind it.
     */
    private void checkSbat(IsoVolume volume) {
        List<EfiPrograms.Program> chain;
        try {
            chain = EfiPrograms.chain(EfiPrograms.read(volume,
                    ElTorito.read(volume).readableEfiImages()));
        } catch (IOException | RuntimeException unreadable) {
            return;
        }
        for (EfiPrograms.Program p : chain) {
            if (p.sbat() == null) {
                continue;
            }
            for (SbatLevels.Level level : sbatLevels) {
                String refusal = level.refusal(p.sbat());
                if (refusal != null) {
                    add("SBAT_REVOKED", Severity.WARNING, p.where() + " is revoked by SbatLevel " + level.date() + " ("
                            + level.name() + "): " + refusal, "its .sbat section: " + String.join(" ", p.sbat()
                            .levels()), "shim and UEFI firmware that hold this level or a later one refuse to start "
                            + "it under Secure Boot (" + (p.shim() ? "shim: \"Verifying shim SBAT data failed: "
                            + "Security Policy Violation\"" : "shim: \"Verification failed: (0x1A) Security "
                            + "Violation\"") + "); PCs have held it since " + level.date().substring(0, 4) + "; with Secure "
                            + "Boot off it starts", "Take a newer shim and GRUB from the distribution (their SBAT "
                            + "generations meet the level), or boot these PCs with Secure Boot off");
                    break;
                }
            }
        }
        checkShimsOwnLevel(chain);
        checkDbx(chain);
    }

    /**
     * Programs revoked by hash: by the revocation list built into the shim that loads them (on every PC), or by the
     * {@code dbx} a PC may hold (the user's list).
     */
    private void checkDbx(List<EfiPrograms.Program> chain) {
        for (EfiPrograms.Program p : chain) {
            if (p.sha256() == null) {
                continue;
            }
            for (EfiPrograms.Program shim : chain) {
                if (shim != p && shim.efiImage() == p.efiImage() && shim.vendorDbx().contains(p.sha256())) {
                    add("DBX_REVOKED_BY_OWN_SHIM", Severity.ERROR, shim.where() + " refuses " + p.where()
                            + ": its Authenticode SHA-256 " + p.sha256() + " is in the shim's built-in revocation "
                            + "list", "the .vendor_cert section of " + shim.where() + " (" + shim.vendorDbx().size()
                            + " hashes)", "under Secure Boot the chain stops at " + p.name() + " on every PC (shim: "
                            + "\"Verification failed: (0x1A) Security Violation\")", "Take the shim and GRUB of one "
                            + "distribution release");
                }
            }
            if (dbx.contains(p.sha256())) {
                add("DBX_REVOKED", Severity.WARNING, p.where() + " is in the given revocation list (dbx): its "
                        + "Authenticode SHA-256 is " + p.sha256(), "the program's bytes, hashed as Authenticode "
                        + "does (headers without checksum and certificate table entry, sections, trailing data)",
                        "firmware and shim that hold this list refuse to start it under Secure Boot (firmware: "
                        + "\"Access Denied\"; shim: \"Verification failed: (0x1A) Security Violation\")",
                        "Take a newer build from the distribution: a revoked build is never trusted again");
            }
        }
    }

    /** A shim whose own level (the one it writes on first start) refuses a program of its chain: fails on every PC. */
    private void checkShimsOwnLevel(List<EfiPrograms.Program> chain) {
        for (EfiPrograms.Program shim : chain) {
            if (!shim.shim() || shim.ownLevels().isEmpty()) {
                continue;
            }
            SbatLevels.Level own = shim.ownLevels().get(0);
            for (EfiPrograms.Program p : chain) {
                String refusal = p.efiImage() == shim.efiImage() && p.sbat() != null ? own.refusal(p.sbat()) : null;
                if (refusal != null) {
                    add("SBAT_REVOKED_BY_OWN_SHIM", Severity.ERROR, shim.where() + " writes SbatLevel " + own.date()
                            + " on its first start, which refuses " + p.where() + ": " + refusal, "the .sbatlevel "
                            + "section of " + shim.where(), "under Secure Boot the chain stops at " + p.name()
                            + " on every PC, from the first boot on (shim: \"Verification failed: (0x1A) Security Violation\")", "Take the shim and "
                            + "GRUB of one distribution release, which are made to meet each other's levels");
                }
            }
        }
    }

    private static List<Part> concat(List<Part> a, List<Part> b) {
        List<Part> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    /** The cure of a layout problem outside isohybrid's nesting. */
    private static final String UNNESTED_CURE = "Where firmware refuses it: a layout without nesting: the ISO data "
            + "from 64 KiB and the ESP appended after it, typed in a GPT (nixusb's appended layout, or xorriso "
            + "-partition_offset 16 -append_partition 2 0xef efi.img -appended_part_as_gpt --mbr-force-bootable)";

    /** Each overlapping pair: a note where one holds the other in isohybrid's nesting, else a warning. */
    private void overlaps(List<Part> parts, String firmware) {
        for (int i = 0; i < parts.size(); i++) {
            for (int j = i + 1; j < parts.size(); j++) {
                Part a = parts.get(i);
                Part b = parts.get(j);
                if (a.start() < b.end() && b.start() < a.end()) {
                    boolean nested = nests(a, b) || nests(b, a);
                    add("PARTITIONS_OVERLAP", nested ? Severity.INFO : Severity.WARNING, a.name() + " and " + b.name()
                            + " overlap", a.table() + " entries " + a.number() + " and " + b.number(), nested
                            ? NESTED_FIRMWARE : firmware, nested ? NESTED_CURE : UNNESTED_CURE);
                }
            }
        }
    }

    private Gpt gpt(long lba) throws IOException {
        if (lba < 0 || lba >= size / SECTOR) {
            return new Gpt(lba, false, false, false, 0, 0, 0, 0, null, 0, 0, 0, 0, null, "");
        }
        byte[] h = read(lba * SECTOR, SECTOR);
        boolean sig = "EFI PART".equals(Bytes.ascii(h, 0, 8));
        long hsize = Bytes.u32le(h, 12);
        boolean hcrc = false;
        if (sig && hsize >= 92 && hsize <= SECTOR) {
            byte[] c = java.util.Arrays.copyOf(h, (int) hsize);
            Bytes.put32le(c, 16, 0);
            hcrc = org.nixusb.hybrid.Gpt.crc(c, 0, c.length) == Bytes.u32le(h, 16);
        }
        long entriesLba = Bytes.u64le(h, 72);
        int count = (int) Math.min(Bytes.u32le(h, 80), 4096);
        int esize = (int) Math.min(Bytes.u32le(h, 84), 4096);
        byte[] entries = null;
        boolean ecrc = false;
        // every value is the image's word: sizes and places are checked before any arithmetic could overflow
        if (sig && count > 0 && esize >= 128 && entriesLba > 0 && entriesLba < size / SECTOR
                && entriesLba * SECTOR + (long) count * esize <= size) {
            entries = read(entriesLba * SECTOR, count * esize);
            ecrc = org.nixusb.hybrid.Gpt.crc(entries, 0, entries.length) == Bytes.u32le(h, 88);
        }
        return new Gpt(lba, sig, hcrc, ecrc, Bytes.u64le(h, 24), Bytes.u64le(h, 32), Bytes.u64le(h, 40), Bytes.u64le(h, 48),
                sig ? Guid.fromBytes(h, 56) : null, entriesLba, count, esize, Bytes.u32le(h, 88), entries,
                hex(h, 0, 92));
    }

    private void checkGpt(Gpt p, long sectors, List<Part> parts) throws IOException {
        String where = "GPT header at sector 1: " + p.hex();
        if (!p.headerCrc()) {
            add("GPT_HEADER_CRC", Severity.ERROR, "the primary GPT header's CRC32 is wrong", where, "UEFI firmware "
                    + "ignores a header whose CRC fails and falls back to the backup, if that is valid", "Rebuild the "
                    + "image, or remaster it with nixusb");
            return;
        }
        if (!p.entriesCrc()) {
            add("GPT_ENTRIES_CRC", Severity.ERROR, "the primary GPT entry array's CRC32 is wrong", "entry array at "
                    + "sector " + p.entriesLba() + ", " + p.count() + " x " + p.entrySize() + " bytes; header says "
                    + String.format("0x%08x", p.entriesCrc32()), "UEFI firmware rejects the primary GPT",
                    "Rebuild the image, or remaster it with nixusb");
            return;
        }
        for (int i = 0; i < p.count(); i++) {
            int o = i * p.entrySize();
            if (Bytes.allZero(p.entries(), o, 16)) {
                continue;
            }
            parts.add(new Part("GPT", i + 1, Bytes.u64le(p.entries(), o + 32), Bytes.u64le(p.entries(), o + 40) + 1, -1,
                    Guid.fromBytes(p.entries(), o), false));
        }
        for (Part part : parts) {
            if (part.start() < p.firstUsable() || part.end() - 1 > p.lastUsable()) {
                outsideUsable.add(part); // reported once the nesting is known
            }
        }
        long backup = p.alternate();
        if (backup <= 1 || backup >= sectors) {
            add("GPT_BACKUP_BEYOND_IMAGE", Severity.ERROR, "the primary GPT says its backup is at sector " + backup
                    + ", outside the image (" + sectors + " sectors)", where, "firmware that checks the backup "
                    + "distrusts the GPT; a truncated image looks like this", "Rebuild the image; do not truncate it");
            return;
        }
        if (backup != sectors - 1) {
            add("GPT_BACKUP_NOT_AT_END", Severity.WARNING, "the backup GPT header is at sector " + backup + ", not at "
                    + "the image's last sector " + (sectors - 1), where, "UEFI expects the backup at the disk's last "
                    + "sector; firmware then finds it by the primary's pointer, tools offer to move it",
                    "Remaster it (nixusb puts the backup at the end of the image)");
        }
        Gpt b = gpt(backup);
        if (!b.signature() || !b.headerCrc() || !b.entriesCrc()) {
            add("GPT_BACKUP_CRC", Severity.ERROR, "the backup GPT at sector " + backup + " is " + (!b.signature()
                    ? "missing" : !b.headerCrc() ? "damaged (header CRC32 wrong)" : "damaged (entry array CRC32 wrong)"),
                    "GPT header at sector " + backup + ": " + b.hex(), "firmware that validates both copies (as the "
                    + "UEFI specification asks) distrusts the disk; a damaged primary then has no fallback",
                    "Rebuild the image, or remaster it with nixusb");
            return;
        }
        if (b.myLba() != backup || b.alternate() != 1 || !p.disk().equals(b.disk()) || b.entriesCrc32() != p.entriesCrc32()
                || b.firstUsable() != p.firstUsable() || b.lastUsable() != p.lastUsable()) {
            add("GPT_BACKUP_DISAGREES", Severity.ERROR, "the backup GPT does not match the primary", "primary "
                    + p.hex() + "; backup " + b.hex(), "firmware may take either copy, so partitions differ between "
                    + "machines", "Rebuild the image, or remaster it with nixusb");
        }
    }

    private void checkEsp(Part esp, long efiElTorito) throws IOException {
        FatFileSystem fat;
        try {
            fat = FatFileSystem.openWithin(ch, esp.start() * SECTOR, size);
        } catch (IOException | RuntimeException notFat) {
            add("ESP_NOT_FAT", Severity.ERROR, "the EFI System Partition " + esp.name() + " is not a FAT file system",
                    "its first sector: " + hex(read(esp.start() * SECTOR, 64), 0, 64), "UEFI firmware reads only FAT "
                    + "ESPs and finds no loader", "Rebuild the EFI image, or remaster with efi=create");
            return;
        }
        long declared = FatFileSystem.declaredSize(ch, esp.start() * SECTOR);
        if (declared > (esp.end() - esp.start()) * SECTOR) {
            add("ESP_SMALLER_THAN_FAT", Severity.ERROR, "the EFI System Partition has " + (esp.end() - esp.start())
                    * SECTOR + " bytes, its FAT file system " + declared, esp.name(), "firmware reads the file system "
                    + "only within the partition: files at its end, the loader among them, are cut off",
                    "Remaster it (nixusb sizes the ESP from the FAT)");
        }
        List<String> found = new ArrayList<>();
        List<FatFileSystem.FatEntry> dir = fat.list("/EFI/BOOT");
        for (FatFileSystem.FatEntry e : dir == null ? List.<FatFileSystem.FatEntry>of() : dir) {
            if (e.directory() || !e.name().toUpperCase(java.util.Locale.ROOT).matches("BOOT.*\\.EFI")) {
                continue;
            }
            found.add(e.name());
            byte[] head = fat.readHead(e, 4096);
            int machine = PeImage.machine(head);
            EfiArch named = EfiArch.ofLoaderName(e.name());
            EfiArch is = EfiArch.ofMachine(machine);
            if (named != null && is != named) {
                add("EFI_LOADER_WRONG_ARCH", Severity.ERROR, "/EFI/BOOT/" + e.name() + " is " + (machine == 0
                        ? "not a PE program" : "for " + EfiArch.describeMachine(machine)) + ", its name says "
                        + named.id(), String.format("PE machine 0x%04x", machine), "firmware of the named "
                        + "architecture refuses to start it; no other firmware looks for it",
                        "Put a " + named.id() + " loader there, or remaster with efi=create");
            }
        }
        if (found.isEmpty()) {
            add("EFI_LOADER_MISSING", Severity.ERROR, "the EFI System Partition has no /EFI/BOOT/BOOT<arch>.EFI",
                    esp.name() + ": /EFI/BOOT " + (dir == null ? "does not exist" : "holds " + dir.stream()
                            .map(FatFileSystem.FatEntry::name).toList()), "firmware boots removable media only "
                    + "through that path", "Remaster with efi=create, or add the loader to the EFI image");
        }
        if (efiElTorito >= 0 && efiElTorito != esp.start()) {
            try {
                FatFileSystem cd = FatFileSystem.openWithin(ch, efiElTorito * SECTOR, size);
                for (String name : found) {
                    FatFileSystem.FatEntry a = fat.find("/EFI/BOOT/" + name);
                    FatFileSystem.FatEntry b = cd.find("/EFI/BOOT/" + name);
                    if (b == null || !java.util.Arrays.equals(fat.readAll(a), cd.readAll(b))) {
                        add("ELTORITO_ESP_DIFFER", Severity.WARNING, "the El Torito EFI image (sector " + efiElTorito
                                + ") and the ESP (" + esp.name() + ") hold different /EFI/BOOT/" + name, "both FAT file "
                                + "systems' /EFI/BOOT/" + name, "the image boots one loader from a CD and another "
                                + "from a stick: a test of one does not prove the other", "Remaster it (nixusb's "
                                + "layout publishes the El Torito image itself as the ESP)");
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // the El Torito image is judged by inspect; here only the ESP counts
            }
        }
    }

    private void checkBiosCode(IsoVolume v, byte[] mbr) {
        try {
            BootCatalog c = BootRecord.readCatalog(v);
            CatalogEntry bios = c == null ? null : c.defaultEntry();
            if (bios == null || bios.platform() == CatalogEntry.PLATFORM_EFI || !bios.bootable()) {
                return;
            }
            if (Bytes.allZero(mbr, 0, 440)) {
                if (mbrSig) {
                    add("BIOS_STICK_NO_BOOT_CODE", Severity.ERROR, "the image has an El Torito BIOS entry and an MBR "
                            + "a BIOS reads, but no boot code in it: its BIOS path works from a CD only",
                            "sector 0 bytes 0-439: all zero; bytes 510-511: 55 aa", "a PC BIOS started from the stick "
                            + "runs the zeros and hangs (or crashes) instead of loading the El Torito BIOS image",
                            "Remaster it with nixusb (ISOLINUX gets an isohybrid MBR; a BIOS loader it cannot start "
                            + "from a disk gets boot code that says the stick is UEFI-only), or write isohybrid boot "
                            + "code (xorriso -isohybrid-mbr)");
                }
                return;
            }
            IsoEntry file = v.fileAt(bios.loadLba());
            byte[] boot = file != null && file.size() < 1 << 20 ? v.read(file) : null;
            if (boot == null || !IsohybridMbr.hasHybridSignature(boot)) {
                return; // not ISOLINUX: its MBR code's pointer is not isohybrid's
            }
            long sector = Bytes.u32le(mbr, 432);
            if (sector * SECTOR >= size) {
                add("BIOS_CODE_OUTSIDE_IMAGE", Severity.ERROR, "the isohybrid boot code loads sector " + sector
                        + ", beyond the image's end", "sector 0 bytes 432-435: " + hex(mbr, 432, 4), "a BIOS runs the "
                        + "MBR code, which reads past the end and hangs or fails", "Remaster it");
            } else if (sector != bios.loadLba() * 4) {
                add("BIOS_CODE_POINTS_ELSEWHERE", Severity.ERROR, "the isohybrid boot code loads sector " + sector
                        + ", but isolinux.bin is at sector " + bios.loadLba() * 4, "sector 0 bytes 432-435: "
                        + hex(mbr, 432, 4), "a BIOS runs whatever lies there instead of ISOLINUX",
                        "Remaster it (or run isohybrid again)");
            }
        } catch (IOException | RuntimeException | BadInputException unreadable) {
            // a catalog nixusb cannot read: inspect says why
        }
    }

    private static IsoVolume openIso(Path image) {
        try {
            return IsoVolume.open(image);
        } catch (IOException | RuntimeException | BadInputException notIso) {
            return null;
        }
    }

    private static long efiEntry(IsoVolume v) {
        try {
            BootCatalog c = BootRecord.readCatalog(v);
            if (c != null) {
                for (CatalogEntry e : c.entries()) {
                    if (e.platform() == CatalogEntry.PLATFORM_EFI && e.bootable()) {
                        return e.loadLba() * 4;
                    }
                }
            }
        } catch (IOException | RuntimeException | BadInputException unreadable) {
            // no catalog nixusb can read
        }
        return -1;
    }
}
