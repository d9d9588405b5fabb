package org.nixusb.fuzz;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;

import org.nixusb.fat.FatFileSystem;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * The FAT reader (loader entries, kernels and initrds inside an El Torito EFI image) on damaged
 * images made by mkfs.vfat and mtools: open, walk every directory, read every small file. Damage may
 * only be reported with an {@link IOException}.
 */
public final class FatFuzzer {
    private static final Bases BASES = new Bases(".fat");
    private static final Path FILE = Bases.scratch("fat");

    private FatFuzzer() {
    }

    public static void fuzzerTestOneInput(FuzzedDataProvider data) throws Exception {
        Path file = BASES.damagedFile(data, 64 * 1024, FILE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = Math.min(ch.size(), FatFileSystem.declaredSize(ch, 0));
            FatFileSystem fat = FatFileSystem.open(ch, 0, Math.max(0, size));
            ArrayDeque<String> dirs = new ArrayDeque<>(List.of("/"));
            int seen = 0;
            int files = 0;
            int listed = 0;
            // bounded so that one input costs milliseconds: a damaged FAT can make every entry's chain span
            // the whole file system, and the reader's per-file bound (the cluster count) multiplies
            while (!dirs.isEmpty() && seen < 10_000 && listed++ < 64) {
                String dir = dirs.poll();
                List<FatFileSystem.FatEntry> list = fat.list(dir);
                if (list == null) {
                    continue;
                }
                for (FatFileSystem.FatEntry e : list) {
                    seen++;
                    String path = (dir.equals("/") ? "" : dir) + "/" + e.name();
                    if (e.directory()) {
                        if (!e.name().equals(".") && !e.name().equals("..") && path.length() < 512) {
                            dirs.add(path);
                        }
                    } else if (files++ < 96) {
                        // the chain walk; the data only of small files (reading it parses nothing)
                        fat.runs(e);
                        fat.readHead(e, 4096); // bounded whatever the size says
                        if (e.size() < 16 * 1024) {
                            fat.readAll(e);
                        }
                        if (seen < 64) {
                            fat.find(path); // lists the directory again: a few are enough
                        }
                    }
                }
            }
        } catch (IOException refused) {
            // damage reported
        }
    }
}
