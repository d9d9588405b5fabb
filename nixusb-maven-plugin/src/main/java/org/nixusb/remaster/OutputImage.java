package org.nixusb.remaster;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.ProgressMeter;
import org.nixusb.checksum.IsoMd5Sum;
import org.nixusb.checksum.Sha256File;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.output.DiskRoom;
import org.nixusb.output.ImageDelta;
import org.nixusb.output.PartFile;
import org.nixusb.output.SourceCopy;
import org.nixusb.remaster.AppendedLayout;
import org.nixusb.remaster.RemasterResult;

/**
 * The output file of a remaster, from first byte to final name: a temporary file beside the output that
 * starts as a kernel-side copy of the source (made while the source is read and the changes planned), gets
 * the changes, the isomd5sum implant and the SHA-256, and is moved into place. Closing it before
 * {@link #complete} cancels the copy and deletes the temporary file: no partial output is ever left.
 */
final class OutputImage implements AutoCloseable {
    private static final long MIB = 1024 * 1024;

    private final BuildLog log;
    private final SourceCopy copy;
    private final ProgressMeter progress;
    private final PartFile part;
    private final Path tmp;
    private final Path output;
    private final long started;

    private OutputImage(BuildLog log, SourceCopy copy, ProgressMeter progress, PartFile part, Path output,
            long started) {
        this.log = log;
        this.copy = copy;
        this.progress = progress;
        this.part = part;
        this.tmp = part.path();
        this.output = output;
        this.started = started;
    }

    /**
     * Checks the source and the output's place, creates the temporary file and starts copying the source into it.
     *
     * @param started when the remaster started ({@link System#nanoTime}), for the time it reports
     */
    static OutputImage start(Path source, Path output, long started, BuildLog log)
            throws IOException, BadInputException {
        checkSource(source);
        Path dir = prepareDirectory(output);
        if (Files.exists(output) && Files.isSameFile(source, output)) {
            throw new BadInputException(output, "the output is the source ISO itself",
                    "Choose another output file (the output option): the source is never modified").option("output");
        }
        long sourceSize = Files.size(source);
        String removed = PartFile.describe(PartFile.removeLeftovers(output));
        if (removed != null) {
            log.info(removed);
        }
        DiskRoom.checkForCopy(source, sourceSize, output);
        PartFile part = PartFile.claim(output);
        try {
            ProgressMeter progress = new ProgressMeter(log, "copying the source", sourceSize);
            return new OutputImage(log, SourceCopy.start(source, sourceSize, part.path(), progress), progress, part,
                    output, started);
        } catch (RuntimeException | Error e) {
            part.close();
            throw e;
        }
    }

    /** The temporary file (the final output's directory holds it). */
    Path tmp() {
        return tmp;
    }

    /** The final output file. */
    Path path() {
        return output;
    }

    private static void checkSource(Path source) throws BadInputException {
        if (!Files.exists(source)) {
            throw new BadInputException(source, "the source ISO does not exist",
                    "Set the source option to the CD-only ISO to remaster").option("source");
        }
        if (!Files.isRegularFile(source)) {
            throw new BadInputException(source, "the source is not a regular file",
                    "Set the source option to an ISO image file").option("source");
        }
        if (!Files.isReadable(source)) {
            throw new BadInputException(source, "the source ISO is not readable", "Fix its permissions");
        }
    }

    private static Path prepareDirectory(Path output) throws BadInputException {
        Path dir = output.getParent();
        if (Files.isDirectory(output)) {
            throw new BadInputException(output, "the output is a directory", "Set the output option to a file name")
                    .option("output");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException(dir.toString(), "cannot create the output directory (" + e + ")",
                    "Choose an output location you can write (the output option)", e).option("output");
        }
        if (!Files.isWritable(dir)) {
            throw new BadInputException(dir, "the output directory is not writable",
                    "Fix its permissions or choose another output location (the output option)").option("output");
        }
        return dir;
    }

    /**
     * Computes the SHA-256 from the source and the delta while the copy runs, waits for the copy,
     * applies the delta (and the isomd5sum implant, which reads the result, so the hash then comes
     * after it), and moves the output into place.
     *
     * @param r what the remaster did, completed here with the size, hash and time
     */
    RemasterResult complete(IsoVolume volume, ImageDelta delta, boolean sha256, boolean implantMd5, RemasterResult r)
            throws IOException, BadInputException {
        return complete(volume, delta, sha256, implantMd5, r, null);
    }

    /**
     * As {@link #complete(IsoVolume, ImageDelta, boolean, boolean, RemasterResult)}, then lays the written image out
     * as {@link org.nixusb.hybrid.StickLayout#APPENDED} when {@code appended} is set (the hash then comes after it).
     */
    RemasterResult complete(IsoVolume volume, ImageDelta delta, boolean sha256, boolean implantMd5, RemasterResult r,
            AppendedLayout.Request appended) throws IOException, BadInputException {
        String sha = null;
        long sourceSize = volume.image().size();
        if (sha256 && !implantMd5 && appended == null) {
            long t0 = System.nanoTime();
            sha = HexFormat.of().formatHex(delta.sha256(volume.image().channel(),
                    progress.alongside("computing the SHA-256", delta.size())));
            log.info(String.format("SHA-256 of the output (%d MiB, from the source and the changes, while copying) "
                    + "in %.2f s", delta.size() / MIB, (System.nanoTime() - t0) / 1e9));
        }
        SourceCopy.Done copied = copy.await();
        if (copied.shared()) {
            log.info(String.format("Cloned the source (%d MiB) in %.2f s (%s): the output shares its blocks until "
                    + "they are written", sourceSize / MIB, copied.seconds(), copied.how()));
        } else {
            log.info(String.format("Copied the source (%d MiB) in %.2f s (%.0f MiB/s)%s", sourceSize / MIB,
                    copied.seconds(), sourceSize / (double) MIB / Math.max(0.001, copied.seconds()),
                    copied.how().isEmpty() ? "" : "; " + copied.how()));
        }
        // the appended layout adds a copy of the EFI image, the partition's tree and what it moves: a few MiB
        long extra = appended == null ? 0 : 8L * MIB + (appended.efiRange() == null ? 0 : appended.efiRange()[1] * 512);
        DiskRoom.checkForChanges(output, delta.size() - sourceSize + extra);
        long size = delta.size();
        long bootLba = r.bootFileLba();
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            delta.applyTo(out);
            if (appended != null) {
                AppendedLayout.Done done = AppendedLayout.apply(tmp, out, appended);
                done.log().forEach(log::info);
                size = done.size();
                bootLba = r.bootFileLba() < 0 ? r.bootFileLba() : done.bootLba();
            }
            if (implantMd5) {
                // after the MBR and GPT, which it covers
                long t0 = System.nanoTime();
                IsoMd5Sum.Implant sums = IsoMd5Sum.implant(out, volume.primary().lba());
                log.info(String.format("Implanted the isomd5sum checksum (MD5 %s) in %.2f s", sums.md5(),
                        (System.nanoTime() - t0) / 1e9));
            }
        }
        if (sha256 && sha == null) {
            sha = Sha256File.sha256(tmp);
        }
        return moveIntoPlace(r.finished(size, bootLba, sha, 0));
    }

    private RemasterResult moveIntoPlace(RemasterResult r) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // keep the platform's default
        }
        // The previous image goes first: on ext4 (auto_da_alloc), renaming over an existing file writes the
        // new one back in full inside rename(), 1.2 s for 2 GiB here. Its name is free for an instant;
        // it never names a partial image.
        Files.deleteIfExists(output);
        try {
            Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        log.info(String.format("Wrote %s (%d MiB, MBR id 0x%08x) in %.2f s", output, r.size() / MIB, r.mbrId(),
                millis / 1000.0));
        return r.finished(r.size(), r.bootFileLba(), r.sha256(), millis);
    }

    /** Cancels the copy (if it still runs) and deletes the temporary file (if it was not moved into place). */
    @Override
    public void close() throws IOException {
        try {
            copy.close();
        } finally {
            part.close();
        }
    }
}
