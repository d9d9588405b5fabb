package org.nixusb.bootentry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nixusb.BadInputException;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;

/**
 * Finds every boot menu an image carries, for the remaster, {@code inspect} and {@code debug} alike:
 * systemd-boot entries ({@code /loader/entries/*.conf} and {@code loader.conf}) in the ISO tree and in each
 * El Torito EFI image, the first GRUB config ({@code /boot/grub/grub.cfg}, {@code /boot/grub2/grub.cfg},
 * {@code /EFI/BOOT/grub.cfg}) that names a Linux entry (read with the files it sources), and the ISOLINUX config ISOLINUX would read. Without
 * Rock Ridge, genisoimage cuts names to 8.3, so an entry file {@code NIXOS_LI.CON} counts as {@code .conf}.
 */
public final class BootMenuFinder {
    /** Where a menu came from. */
    public enum Kind {
        SYSTEMD_BOOT("systemd-boot"),
        SYSTEMD_BOOT_EFI_IMAGE("systemd-boot (EFI image)"),
        GRUB("grub"),
        ISOLINUX("isolinux");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * A menu found.
     *
     * @param where the config's path (for the EFI image: inside it)
     * @param origin what its entries say they came from ({@code <image>!<path>})
     * @param configDirectory the directory the config's relative paths are relative to
     * @param efiImage for {@link Kind#SYSTEMD_BOOT_EFI_IMAGE}: the index of the EFI image, else -1
     * @param warnings what the reader did not understand
     */
    public record Found(Kind kind, String where, String origin, BootMenu menu, String configDirectory, int efiImage,
            List<String> warnings) {
    }

    /** Boot loader configuration files larger than this are not configs. */
    private static final int MAX_CONFIG = 1024 * 1024;
    private static final List<String> GRUB_CONFIGS = List.of("/boot/grub/grub.cfg", "/boot/grub2/grub.cfg",
            "/EFI/BOOT/grub.cfg");
    private static final List<String> ISOLINUX_DIRECTORIES = List.of("/boot/isolinux", "/isolinux", "/boot/syslinux",
            "/syslinux", "");

    private BootMenuFinder() {
    }

    /**
     * Every menu, in the order above.
     *
     * @param imageName the image's file name, for the entries' origin
     */
    public static List<Found> all(IsoVolume v, List<FatFileSystem> efiImages, String imageName)
            throws IOException, BadInputException {
        List<Found> out = new ArrayList<>();
        Found tree = systemdBootInTree(v, imageName);
        if (tree != null) {
            out.add(tree);
        }
        for (int i = 0; i < efiImages.size(); i++) {
            Found f = systemdBootInEfiImage(efiImages.get(i), i, imageName);
            if (f != null) {
                out.add(f);
            }
        }
        Found grub = grub(v, imageName);
        if (grub != null) {
            out.add(grub);
        }
        Found isolinux = isolinux(v, imageName);
        if (isolinux != null) {
            out.add(isolinux);
        }
        return out;
    }

    /** The first menu of {@code kinds} (in the order given) that has entries, or null. */
    public static Found first(List<Found> found, Kind... kinds) {
        for (Kind k : kinds) {
            for (Found f : found) {
                if (f.kind() == k && !f.menu().entries().isEmpty()) {
                    return f;
                }
            }
        }
        return null;
    }

    private static Found systemdBootInTree(IsoVolume v, String imageName) throws IOException, BadInputException {
        IsoEntry dir = v.findIgnoringCase("/loader/entries");
        if (dir == null || !dir.isDirectory()) {
            return null;
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (IsoEntry e : dir.children()) {
            String lower = e.name().toLowerCase(Locale.ROOT);
            if (!e.isDirectory() && (lower.endsWith(".conf") || (!v.rockRidge() && lower.endsWith(".con")))) {
                files.put(v.rockRidge() ? e.name() : lower.replaceAll("\\.con$", ".conf"), text(v, e));
            }
        }
        IsoEntry lc = v.findIgnoringCase("/loader/loader.conf");
        String loader = lc == null || lc.isDirectory() ? null : text(v, lc);
        if (files.isEmpty()) {
            return null;
        }
        SystemdBootReader reader = new SystemdBootReader();
        String origin = imageName + "!/loader";
        BootMenu menu = reader.parse(files, loader, origin);
        return new Found(Kind.SYSTEMD_BOOT, "/loader/entries", origin, menu, "/", -1, reader.warnings());
    }

    private static Found systemdBootInEfiImage(FatFileSystem fat, int index, String imageName) throws IOException {
        List<FatFileSystem.FatEntry> list = fat.list("/loader/entries");
        if (list == null) {
            return null;
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (FatFileSystem.FatEntry e : list) {
            if (!e.directory() && e.name().toLowerCase(Locale.ROOT).endsWith(".conf") && e.size() < MAX_CONFIG) {
                files.put(e.name(), new String(fat.readAll(e), StandardCharsets.UTF_8));
            }
        }
        if (files.isEmpty()) {
            return null;
        }
        FatFileSystem.FatEntry lc = fat.find("/loader/loader.conf");
        String loader = lc == null || lc.size() >= MAX_CONFIG ? null
                : new String(fat.readAll(lc), StandardCharsets.UTF_8);
        SystemdBootReader reader = new SystemdBootReader();
        String origin = imageName + "!EFI image!/loader";
        BootMenu menu = reader.parse(files, loader, origin);
        return new Found(Kind.SYSTEMD_BOOT_EFI_IMAGE, "/loader/entries", origin, menu, "/", index, reader.warnings());
    }

    private static Found grub(IsoVolume v, String imageName) throws IOException, BadInputException {
        Found firstExisting = null;
        for (String path : GRUB_CONFIGS) {
            IsoEntry e = v.findIgnoringCase(path);
            if (e == null || e.isDirectory() || e.size() >= MAX_CONFIG) {
                continue;
            }
            GrubConfigReader reader = grubReader(v);
            String origin = imageName + "!" + e.path();
            BootMenu menu = reader.parse(text(v, e), e.path(), origin);
            Found f = new Found(Kind.GRUB, e.path(), origin, menu, "/", -1, reader.warnings());
            if (!menu.entries().isEmpty()) {
                return f;
            }
            if (firstExisting == null) {
                firstExisting = f;
            }
        }
        return firstExisting;
    }

    /** A GRUB reader that sees the medium's files, as GRUB on the medium would ({@code source}, {@code -e}). */
    static GrubConfigReader grubReader(IsoVolume v) {
        return new GrubConfigReader(path -> {
            try {
                IsoEntry f = v.findIgnoringCase(path);
                return f != null && !f.isDirectory();
            } catch (RuntimeException e) {
                return false;
            }
        }, mediumText(v));
    }

    /** The text of a config file on the medium by its absolute path, or null when there is none. */
    public static java.util.function.Function<String, String> mediumText(IsoVolume v) {
        return path -> {
            try {
                IsoEntry f = v.findIgnoringCase(path);
                return f == null || f.isDirectory() || f.size() >= MAX_CONFIG ? null : text(v, f);
            } catch (IOException | BadInputException | RuntimeException e) {
                return null;
            }
        };
    }

    /** The path of the config ISOLINUX reads first in this tree, or null when there is none. */
    public static String isolinuxConfigPath(IsoVolume v) throws IOException, BadInputException {
        Found f = isolinux(v, "");
        return f == null ? null : f.where();
    }

    private static Found isolinux(IsoVolume v, String imageName) throws IOException, BadInputException {
        for (String d : ISOLINUX_DIRECTORIES) {
            for (String n : List.of("isolinux.cfg", "syslinux.cfg")) {
                IsoEntry cfg = v.findIgnoringCase(d + "/" + n);
                if (cfg != null && !cfg.isDirectory() && cfg.size() < MAX_CONFIG) {
                    String origin = imageName + "!" + cfg.path();
                    SyslinuxConfigReader.Result r = SyslinuxConfigReader.read(text(v, cfg), cfg.path(),
                            mediumText(v), origin);
                    List<String> notes = new ArrayList<>(r.warnings());
                    for (SyslinuxConfigReader.Skipped k : r.skipped()) {
                        notes.add(origin + ": the label '" + k.title() + "' is not a Linux entry: " + k.why());
                    }
                    return new Found(Kind.ISOLINUX, cfg.path(), origin, r.menu(), cfg.parent().path(), -1,
                            List.copyOf(notes));
                }
            }
        }
        return null;
    }

    private static String text(IsoVolume v, IsoEntry e) throws IOException, BadInputException {
        if (e.size() >= MAX_CONFIG) {
            throw new BadInputException(v.path(), e.path() + " is " + e.size() + " bytes, too large for a boot "
                    + "loader configuration file", "Check the image: boot loader configs are small text files");
        }
        return new String(v.read(e), StandardCharsets.UTF_8);
    }
}
