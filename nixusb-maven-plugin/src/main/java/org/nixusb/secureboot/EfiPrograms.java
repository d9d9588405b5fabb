package org.nixusb.secureboot;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.nixusb.arch.EfiArch;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.pe.PeImage;
import org.nixusb.pe.Sbat;

/**
 * The EFI programs an image holds, as Secure Boot judges them: every {@code .efi} file under {@code /EFI} of its El
 * Torito EFI images and of its ISO tree, with its machine, whether it is signed and by whom, and its SBAT. The boot
 * chain of a removable medium is the {@code BOOT<arch>.EFI} of an EFI image and, when that is shim (its SBAT names
 * the component {@code shim}), the programs shim loads from its own directory: {@code grub<arch>.efi}, and
 * {@code mm<arch>.efi} and {@code fb<arch>.efi} where present.
 */
public final class EfiPrograms {
    /** Programs are read whole up to this size (the signature is at the end); larger files are named, not read. */
    private static final long MAX = 64L << 20;
    /** How deep under /EFI programs are looked for. */
    private static final int DEPTH = 3;

    private EfiPrograms() {
    }

    /**
     * One EFI program.
     *
     * @param where its place ({@code EFI image 1:/EFI/BOOT/BOOTX64.EFI}, or a path in the ISO tree)
     * @param name its file name
     * @param efiImage the EFI image it is in (0-based), or -1 for the ISO tree
     * @param machine its PE machine (0 when it is no PE image)
     * @param signed whether it carries an Authenticode signature
     * @param signer the signing certificate's subject, or null
     * @param sbat its SBAT, or null when it has no {@code .sbat} section
     * @param ownLevels the SbatLevels it carries (a shim's previous and latest), or empty
     * @param problem why it was not read, or null
     */
    public record Program(String where, String name, int efiImage, int machine, boolean signed, String signer,
            Sbat sbat, List<SbatLevels.Level> ownLevels, String problem, String sha256, List<String> vendorDbx) {
        /** The architecture its machine is, or null. */
        public EfiArch arch() {
            return EfiArch.ofMachine(machine);
        }

        /** Whether it is shim (its SBAT names the component {@code shim}). */
        public boolean shim() {
            return sbat != null && sbat.generation("shim") >= 0;
        }
    }

    /** Every EFI program under {@code /EFI} of {@code efiImages} (in order) and of the ISO tree. */
    public static List<Program> read(IsoVolume volume, List<FatFileSystem> efiImages) {
        List<Program> out = new ArrayList<>();
        for (int i = 0; i < efiImages.size(); i++) {
            fat(efiImages.get(i), i, "/EFI", 0, out);
        }
        IsoEntry efi = volume.findIgnoringCase("/EFI");
        if (efi != null && efi.isDirectory()) {
            tree(volume, efi, 0, out);
        }
        return out;
    }

    /**
     * The removable-media boot chain of each EFI image: {@code BOOT<arch>.EFI}, then, when it is shim, the
     * programs shim loads from its own directory.
     */
    public static List<Program> chain(List<Program> programs) {
        List<Program> out = new ArrayList<>();
        for (Program p : programs) {
            if (p.efiImage() < 0 || !isDir(p, "/EFI/BOOT/") || !p.name().toUpperCase(Locale.ROOT).matches(
                    "BOOT[A-Z0-9]+\\.EFI")) {
                continue;
            }
            out.add(p);
            if (!p.shim()) {
                continue;
            }
            String arch = p.name().substring(4, p.name().length() - 4).toLowerCase(Locale.ROOT);
            for (Program q : programs) {
                String n = q.name().toLowerCase(Locale.ROOT);
                if (q.efiImage() == p.efiImage() && isDir(q, "/EFI/BOOT/")
                        && (n.equals("grub" + arch + ".efi") || n.equals("mm" + arch + ".efi")
                                || n.equals("fb" + arch + ".efi"))) {
                    out.add(q);
                }
            }
        }
        return out;
    }

    private static boolean isDir(Program p, String dir) {
        String path = p.where().substring(p.where().indexOf(':') + 1);
        return path.toUpperCase(Locale.ROOT).equals(dir + p.name().toUpperCase(Locale.ROOT));
    }

    private static void fat(FatFileSystem fat, int image, String dir, int depth, List<Program> out) {
        List<FatFileSystem.FatEntry> entries;
        try {
            entries = fat.list(dir);
        } catch (IOException | RuntimeException unreadable) {
            return;
        }
        for (FatFileSystem.FatEntry e : entries == null ? List.<FatFileSystem.FatEntry>of() : entries) {
            String path = dir + "/" + e.name();
            if (e.directory()) {
                if (depth + 1 < DEPTH && !e.name().equals(".") && !e.name().equals("..")) {
                    fat(fat, image, path, depth + 1, out);
                }
            } else if (e.name().toLowerCase(Locale.ROOT).endsWith(".efi")) {
                String where = "EFI image " + (image + 1) + ":" + path;
                if (e.size() > MAX) {
                    out.add(new Program(where, e.name(), image, 0, false, null, null, List.of(), "larger than 64 MiB", null,
                            List.of()));
                    continue;
                }
                try {
                    out.add(program(where, e.name(), image, fat.readAll(e)));
                } catch (IOException | RuntimeException unreadable) {
                    out.add(new Program(where, e.name(), image, 0, false, null, null, List.of(), "unreadable: "
                            + unreadable.getMessage(), null, List.of()));
                }
            }
        }
    }

    private static void tree(IsoVolume volume, IsoEntry dir, int depth, List<Program> out) {
        for (IsoEntry e : dir.children()) {
            if (e.isDirectory()) {
                if (depth + 1 < DEPTH) {
                    tree(volume, e, depth + 1, out);
                }
            } else if (!e.isSymlink() && e.name().toLowerCase(Locale.ROOT).endsWith(".efi")) {
                if (e.size() > MAX) {
                    out.add(new Program(e.path(), e.name(), -1, 0, false, null, null, List.of(), "larger than 64 MiB", null,
                            List.of()));
                    continue;
                }
                try {
                    out.add(program(e.path(), e.name(), -1, volume.read(e)));
                } catch (IOException | RuntimeException | org.nixusb.BadInputException unreadable) {
                    out.add(new Program(e.path(), e.name(), -1, 0, false, null, null, List.of(), "unreadable: "
                            + unreadable.getMessage(), null, List.of()));
                }
            }
        }
    }

    private static Program program(String where, String name, int image, byte[] bytes) {
        byte[] hash = PeImage.authenticodeSha256(bytes);
        return new Program(where, name, image, PeImage.machine(bytes), PeImage.signed(bytes), PeImage.signer(bytes),
                Sbat.of(bytes), SbatLevels.embedded(bytes), PeImage.kind(bytes) == null ? "not a PE image" : null,
                hash == null ? null : java.util.HexFormat.of().formatHex(hash), vendorDbx(bytes));
    }

    /**
     * The SHA-256 hashes (hex) a shim refuses whatever signed them: the vendor's revocation list built into it
     * (its {@code .vendor_cert} section: the sizes of the trusted certificate and of the revocation list, then their
     * offsets from the section's start; the list is EFI signature lists). Empty for other programs.
     */
    static List<String> vendorDbx(byte[] bytes) {
        byte[] table = PeImage.section(bytes, ".vendor_cert");
        if (table == null || table.length < 16) {
            return List.of();
        }
        long size = org.nixusb.binary.Bytes.u32le(table, 4);
        long at = org.nixusb.binary.Bytes.u32le(table, 12);
        if (size == 0 || at < 16 || at + size > table.length) {
            return List.of();
        }
        try {
            return org.nixusb.efivars.SignatureList.sha256Hashes(org.nixusb.efivars.SignatureList.read(
                    java.util.Arrays.copyOfRange(table, (int) at, (int) (at + size)))).stream()
                    .map(h -> java.util.HexFormat.of().formatHex(h)).toList();
        } catch (IllegalArgumentException damaged) {
            return List.of();
        }
    }
}
