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
            while (!dirs.isEmpty() && seen < 10_000) {
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
                    } else if (e.size() < 256 * 1024) {
                        fat.readAll(e);
                        fat.find(path);
                    }
                }
            }
        } catch (IOException refused) {
            // damage reported
        }
    }
}
