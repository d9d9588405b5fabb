package org.nixusb.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * The valid files a fuzz target damages: read once per fuzzing JVM from the directory the system
 * property {@code nixusb.fuzz.base} names (built by {@link FuzzingTest}), filtered by file name suffix.
 * The fuzzer's input picks one and overwrites a few runs of its bytes, so every input is a real image
 * with damage where the coverage feedback leads.
 */
final class Bases {
    private final List<byte[]> files = new ArrayList<>();

    Bases(String suffix) {
        Path dir = Path.of(System.getProperty("nixusb.fuzz.base", "target/fuzz/base"));
        try (var s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (p.getFileName().toString().endsWith(suffix)) {
                    files.add(Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("no fuzzing bases in " + dir, e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no *" + suffix + " fuzzing bases in " + dir);
        }
    }

    private int loaded = -1;
    private final List<int[]> dirty = new ArrayList<>();

    /**
     * A damaged copy of one base in {@code file}: up to 24 runs of 1-16 bytes overwritten, half of them
     * in the first {@code focus} bytes (where the descriptors, tables and directories of a small image
     * lie). The file is written whole only when the base changes; otherwise the last damage is undone
     * and the new one written in place, so an input costs a few small writes.
     */
    Path damagedFile(FuzzedDataProvider data, int focus, Path file) {
        int which = data.consumeInt(0, files.size() - 1);
        byte[] base = files.get(which);
        try {
            if (which != loaded) {
                Files.write(file, base);
                loaded = which;
                dirty.clear();
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                for (int[] d : dirty) {
                    ch.write(ByteBuffer.wrap(base, d[0], d[1]), d[0]);
                }
                dirty.clear();
                int runs = data.consumeInt(0, 24);
                for (int i = 0; i < runs && data.remainingBytes() > 2; i++) {
                    int limit = data.consumeBoolean() ? Math.min(focus, base.length) : base.length;
                    int at = data.consumeInt(0, limit - 1);
                    byte[] run = data.consumeBytes(data.consumeInt(1, 16));
                    int n = Math.min(run.length, base.length - at);
                    ch.write(ByteBuffer.wrap(run, 0, n), at);
                    dirty.add(new int[] {at, n});
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path scratch(String name) {
        try {
            Path p = Files.createTempFile("nixusb-fuzz-" + name, ".bin");
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
