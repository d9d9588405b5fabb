package org.nixusb.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.BuildLog;

/**
 * The disk a disk mode boots, as a user's stick would be: a throw-away qcow2 overlay of the stick's size
 * with the image at its start (the image itself is only read), and for {@code uefi-usb} the El Torito catalog
 * masked; afterwards, what the guest kernel said about the stick's partition table.
 */
final class VirtualStick {
    private VirtualStick() {
    }

    /** Writes the overlay beside the serial log (so the command in the report reruns the same boot). */
    static Path create(QemuBoot.Settings s, BuildLog log) throws IOException {
        long imageSize = Qcow2Overlay.sizeOf(s.image());
        long size = Math.max(imageSize, s.stick().size());
        size = (size + 511) / 512 * 512;
        if (size > Qcow2Overlay.MAX_SIZE) {
            throw new IOException("a virtual stick of " + size + " bytes is larger than nixusb's overlay supports ("
                    + Qcow2Overlay.MAX_SIZE + ")");
        }
        List<long[]> masked = new ArrayList<>();
        String catalog = "";
        if (s.mode().uefiStick() && s.stick().maskCatalog()) {
            long lba = ImageBootChecks.catalogBlock(s.image());
            if (lba >= 0) {
                masked.add(new long[] {lba * 2048, 2048});
                catalog = String.format("; its El Torito catalog (block %d) reads as zeros, so the firmware reaches "
                        + "the EFI loader only through the MBR 0xEF slot or the GPT", lba);
            } else {
                catalog = "; it has no El Torito catalog to mask";
            }
        }
        Path overlay = s.log().resolveSibling(s.log().getFileName().toString().replaceAll("\\.log$", "")
                + "-stick.qcow2");
        Qcow2Overlay.write(s.image(), overlay, size, masked);
        log.info(String.format("%s: a %s virtual stick (a throw-away qcow2 overlay) holds the image (%s) at its "
                + "start%s", s.mode().id(), human(size), human(imageSize), catalog));
        return overlay;
    }

    static String human(long bytes) {
        return bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB"
                : bytes >= 1L << 20 ? String.format("%.1f MiB", bytes / (double) (1 << 20)) : bytes + " bytes";
    }

    /** Logs what the guest kernel said about the stick's partition table, from the serial log. */
    static void reportPartitionTable(QemuBoot.Settings s, BuildLog log) {
        try {
            String text = Files.readString(s.log(), StandardCharsets.ISO_8859_1);
            List<String> lines = new ArrayList<>();
            for (String line : text.split("\\R")) {
                String l = ConsoleWatcher.ANSI.matcher(line).replaceAll("").strip();
                if (l.matches(".*\\b(GPT|Alternate GPT|GUID Partition Table|[sv]d[a-z]: [sv]d[a-z]).*")
                        && lines.size() < 8) {
                    lines.add(l.replaceAll("^\\[\\s*[0-9.]+\\]\\s*", ""));
                }
            }
            if (!lines.isEmpty()) {
                log.info(s.mode().id() + ": the guest kernel on the stick's partition table: " + String.join(" | ", lines));
            }
        } catch (IOException e) {
            log.debug("no serial log to read the partition table report from: " + e);
        }
    }
}
