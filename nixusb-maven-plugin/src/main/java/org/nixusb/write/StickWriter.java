package org.nixusb.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.ProgressMeter;

/**
 * Writes an image to a whole USB stick (or to a plain file), after refusing every target that could be
 * the wrong disk, then reads it back and compares SHA-256 sums.
 */
public final class StickWriter {
    private static final int ALIGN = 4096;
    private static final int CHUNK = 4 * 1024 * 1024;

    /** What was checked and decided about the target. */
    public record Target(Path path, BlockDevice device) {
        public boolean isDevice() {
            return device != null;
        }
    }

    /** What a write did. */
    public record Result(long bytes, long writeMillis, long verifyMillis, String sha256, boolean direct) {
    }

    private final DeviceFacts facts;
    private final BuildLog log;

    private final String osName;

    /** How the written target is read back (the device itself; a test gives one that reads what a faulty stick would). */
    interface ReadBack {
        String sha256(Path target, long length, boolean direct) throws IOException;
    }

    private final ReadBack readBack;

    public StickWriter(DeviceFacts facts, BuildLog log) {
        this(facts, log, System.getProperty("os.name", ""));
    }

    StickWriter(DeviceFacts facts, BuildLog log, String osName) {
        this(facts, log, osName, StickWriter::readBack);
    }

    StickWriter(DeviceFacts facts, BuildLog log, String osName, ReadBack readBack) {
        this.facts = facts;
        this.log = log;
        this.osName = osName;
        this.readBack = readBack;
    }

    /**
     * Checks image and target; every refusal is a {@link BadInputException} that says what was found and what
     * to do.
     *
     * @param force write an image that is not a hybrid image
     */
    public Target check(Path image, Path target, boolean force) throws IOException, BadInputException {
        if (!Files.isRegularFile(image)) {
            throw new BadInputException(image, "the image does not exist",
                    "Build it first, or set the image option to an existing image").option("image");
        }
        boolean linux = osName.toLowerCase(java.util.Locale.ROOT).contains("linux");
        String name = target.toString();
        boolean deviceLike = name.startsWith("/dev/") || name.startsWith("\\\\.\\") || name.startsWith("//./");
        if (!linux && (deviceLike || Files.exists(target) && !Files.isRegularFile(target))) {
            throw new BadInputException(target, "nixusb writes to devices on Linux only: it tells a USB stick from an "
                    + "internal disk through Linux's /sys, which " + osName + " does not have",
                    "Write the image with your system's own tool (macOS: diskutil unmountDisk, then dd to the raw "
                            + "disk; Windows: a raw image writer), or name a file");
        }
        long imageSize = Files.size(image);
        if (!isHybrid(image)) {
            String msg = "the image has no MBR, so it will not boot from a USB stick (a CD-only ISO?)";
            if (!force) {
                throw new BadInputException(image, msg, "Remaster it with nixusb:remaster first, or pass "
                        + "the force option to write it anyway").option("force");
            }
            log.warn(image + ": " + msg + "; writing it anyway (force)");
        }
        BlockDevice d = facts.describe(target);
        if (d == null) {
            if (target.startsWith("/dev") && !Files.exists(target)) {
                throw new BadInputException(target, "there is no such device", "Check the name with lsblk");
            }
            if (Files.exists(target) && !Files.isRegularFile(target)) {
                throw new BadInputException(target, "is neither a block device nor a regular file",
                        "Name the whole USB stick (/dev/sdX, see lsblk) or a file for a virtual machine");
            }
            return new Target(target, null);
        }
        if (!d.systemMounts().isEmpty()) {
            throw new BadInputException(target, "holds the running system (" + String.join(", ", d.systemMounts())
                    + " is mounted from it)", "This is not a USB stick to overwrite: pick the stick's device (lsblk)");
        }
        if (d.partition()) {
            throw new BadInputException(target, "is a partition, not a whole disk: a hybrid image must go to the "
                    + "whole device (its MBR is sector 0)", "Use the disk it belongs to, e.g. "
                    + target.toString().replaceAll("p?\\d+$", ""));
        }
        if (!d.removable() && !d.usb()) {
            throw new BadInputException(target, "is not removable (sysfs removable = 0) and not on USB: it looks like an "
                    + "internal disk (" + d.describe() + ")", "nixusb writes only to USB sticks and removable media: "
                    + "check the device with lsblk -o NAME,TRAN,RM,SIZE,MODEL");
        }
        if (!d.mounts().isEmpty()) {
            throw new BadInputException(target, "is mounted: " + String.join(", ", d.mounts()),
                    "Unmount it first (umount " + d.mounts().get(0).split(" on ")[0] + ", or udisksctl unmount -b ...)");
        }
        if (!d.swap().isEmpty()) {
            throw new BadInputException(target, "is used as swap: " + String.join(", ", d.swap()),
                    "Turn it off first (swapoff " + d.swap().get(0) + ")");
        }
        if (!d.holders().isEmpty()) {
            throw new BadInputException(target, "is in use by RAID, LVM or device-mapper: " + String.join(", ",
                    d.holders()), "Stop those first (mdadm --stop, vgchange -an, cryptsetup close)");
        }
        if (d.sizeBytes() < imageSize) {
            throw new BadInputException(target, "holds " + d.sizeBytes() + " bytes, less than the image's " + imageSize,
                    "Use a larger stick");
        }
        return new Target(target, d);
    }

    /** Writes the image to the checked target, flushes, reads it back and compares SHA-256 sums. */
    public Result write(Path image, Target target) throws IOException, BadInputException {
        long size = Files.size(image);
        boolean direct = target.isDevice() && size % ALIGN == 0;
        List<OpenOption> opts = new ArrayList<>(List.of(StandardOpenOption.WRITE));
        if (!target.isDevice()) {
            opts.add(StandardOpenOption.CREATE);
            opts.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        if (direct) {
            opts.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
        }
        log.info(String.format("Writing %s (%d MiB) to %s%s", image.getFileName(), size >> 20, target.path(),
                direct ? " (O_DIRECT)" : ""));
        long t0 = System.nanoTime();
        MessageDigest written = sha256();
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK + ALIGN).alignedSlice(ALIGN);
        ProgressMeter progress = new ProgressMeter(log, "writing", size);
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ);
                FileChannel out = openTarget(target.path(), opts, direct)) {
            long pos = 0;
            while (pos < size) {
                buf.clear();
                int want = (int) Math.min(CHUNK, size - pos);
                buf.limit(want);
                while (buf.hasRemaining()) {
                    if (in.read(buf, pos + buf.position()) < 0) {
                        throw new IOException("the image ended early");
                    }
                }
                buf.flip();
                written.update(buf.duplicate());
                while (buf.hasRemaining()) {
                    out.write(buf, pos + buf.position());
                }
                pos += want;
                progress.update(pos);
            }
            out.force(true);
        }
        long writeMillis = (System.nanoTime() - t0) / 1_000_000;
        String expected = HexFormat.of().formatHex(written.digest());
        log.info(String.format("Wrote %d MiB in %.1f s (%.0f MiB/s), flushed; reading it back", size >> 20,
                writeMillis / 1000.0, (size / 1048576.0) / Math.max(0.001, writeMillis / 1000.0)));
        long t1 = System.nanoTime();
        String actual = readBack.sha256(target.path(), size, direct);
        long verifyMillis = (System.nanoTime() - t1) / 1_000_000;
        if (!expected.equals(actual)) {
            throw new BadInputException(target.path(), "reads back different from the image (SHA-256 " + actual
                    + ", image " + expected + "): the stick is faulty or was removed",
                    "Write it again; if it fails again, use another stick");
        }
        log.info(String.format("Verified %d MiB in %.1f s (%.0f MiB/s): SHA-256 %s matches the image", size >> 20,
                verifyMillis / 1000.0, (size / 1048576.0) / Math.max(0.001, verifyMillis / 1000.0), expected));
        return new Result(size, writeMillis, verifyMillis, expected, direct);
    }

    /** SHA-256 of the first {@code length} bytes of the target. */
    public static String readBack(Path target, long length, boolean direct) throws IOException {
        MessageDigest d = sha256();
        List<OpenOption> opts = new ArrayList<>(List.of(StandardOpenOption.READ));
        if (direct) {
            opts.add(com.sun.nio.file.ExtendedOpenOption.DIRECT);
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK + ALIGN).alignedSlice(ALIGN);
        try (FileChannel in = openTarget(target, opts, direct)) {
            long pos = 0;
            while (pos < length) {
                buf.clear();
                int want = (int) Math.min(CHUNK, length - pos);
                buf.limit(want);
                while (buf.hasRemaining()) {
                    if (in.read(buf, pos + buf.position()) < 0) {
                        throw new IOException(target + " ended after " + (pos + buf.position()) + " bytes");
                    }
                }
                buf.flip();
                d.update(buf);
                pos += want;
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static FileChannel openTarget(Path p, List<OpenOption> opts, boolean direct) throws IOException {
        try {
            return FileChannel.open(p, opts.toArray(new OpenOption[0]));
        } catch (IOException | UnsupportedOperationException e) {
            if (!direct) {
                throw e;
            }
            List<OpenOption> plain = new ArrayList<>(opts);
            plain.remove(com.sun.nio.file.ExtendedOpenOption.DIRECT);
            return FileChannel.open(p, plain.toArray(new OpenOption[0]));
        }
    }

    /** True when sector 0 carries an MBR signature (an isohybrid or other disk image). */
    static boolean isHybrid(Path image) throws IOException {
        if (Files.size(image) < 512) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(512);
            while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
                // fill
            }
            return org.nixusb.hybrid.Mbr.signed(b.array());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
