package org.nixusb.qemu;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;

/**
 * The troubleshooting recipe for an image that does not boot: take a boot entry's kernel and initrds out
 * of the image and boot them directly ({@code -kernel}, {@code -initrd}, {@code -append} with the entry's
 * command line plus {@code boot.trace console=ttyS0}), with the image attached so the initrd can find
 * its root.
 */
public final class DirectBoot {
    /** An entry made ready to boot: its files extracted. */
    public record Prepared(BootEntry entry, Path kernel, Path initrd, String append, String from) {
    }

    private DirectBoot() {
    }

    /**
     * Extracts the entry {@code id} (null: the default) into {@code workDir}. Entries come from the ISOLINUX
     * config ISOLINUX would read, else from systemd-boot's {@code /loader/entries}.
     */
    public static Prepared prepare(Path image, String id, Path workDir) throws IOException, BadInputException {
        try (IsoVolume v = IsoVolume.open(image)) {
            // the ISOLINUX config a remastered image boots with, else the source's systemd-boot entries or GRUB
            // menu (their paths are ISO paths; entries inside an EFI image are not on the ISO)
            BootMenuFinder.Found found = BootMenuFinder.first(BootMenuFinder.all(v, List.of(),
                    image.getFileName().toString()), BootMenuFinder.Kind.ISOLINUX, BootMenuFinder.Kind.SYSTEMD_BOOT,
                    BootMenuFinder.Kind.GRUB);
            if (found == null) {
                throw new BadInputException(image, "has no boot entries (no ISOLINUX config, no /loader/entries, no "
                        + "GRUB menu with a Linux entry)", "Remaster it first, or debug the source ISO's entries");
            }
            List<BootEntry> entries = found.menu().entries();
            String defaultId = found.menu().defaultId();
            String from = found.where();
            String configDir = found.configDirectory();
            String wanted = id != null ? id : defaultId;
            BootEntry entry = entries.stream().filter(e -> e.id().equals(wanted)).findFirst().orElse(null);
            if (entry == null && id != null) {
                throw new BadInputException(image, "has no boot entry '" + id + "' (it has "
                        + entries.stream().map(BootEntry::id).toList() + ")", "Set the entry option to one of those").option("entry");
            }
            if (entry == null) {
                entry = entries.get(0);
            }
            Files.createDirectories(workDir);
            Path kernel = workDir.resolve(entry.id() + "-kernel");
            extract(v, resolve(entry.kernel(), configDir), kernel, false);
            Path initrd = null;
            if (!entry.initrds().isEmpty()) {
                initrd = workDir.resolve(entry.id() + "-initrd");
                Files.deleteIfExists(initrd);
                for (String i : entry.initrds()) {
                    extract(v, resolve(i, configDir), initrd, true);
                }
            }
            return new Prepared(entry, kernel, initrd, (entry.options() + " boot.trace console=ttyS0").strip(), from);
        }
    }

    /** The qemu arguments that boot the prepared entry directly. */
    public static List<String> args(Prepared p, boolean slow) {
        List<String> a = new ArrayList<>(List.of("-kernel", p.kernel().toString()));
        if (p.initrd() != null) {
            a.addAll(List.of("-initrd", p.initrd().toString()));
        }
        a.addAll(List.of("-append", p.append()));
        if (slow) {
            a.addAll(List.of("-icount", "shift=auto"));
        }
        return a;
    }

    private static String resolve(String path, String configDir) {
        return path.startsWith("/") ? path : (configDir.endsWith("/") ? configDir : configDir + "/") + path;
    }

    private static void extract(IsoVolume v, String path, Path to, boolean append) throws IOException,
            BadInputException {
        IsoEntry e = v.find(path);
        if (e == null) {
            e = v.findIgnoringCase(path);
        }
        if (e == null || e.isDirectory()) {
            throw new BadInputException(v.path(), "the boot entry names " + path + ", which is not in the image",
                    "Check the entry with nixusb:inspect");
        }
        try (FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            long pos = out.size();
            for (IsoEntry.Extent x : e.extents()) {
                long done = 0;
                while (done < x.length()) {
                    long n = v.image().channel().transferTo(x.lba() * ImageFile.BLOCK + done, x.length() - done, out);
                    if (n <= 0) {
                        throw new IOException("short read of " + path);
                    }
                    done += n;
                }
                pos += x.length();
            }
        }
    }
}
