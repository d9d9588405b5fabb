package org.nixusb.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * Screenshots of one boot, beside its serial log: {@code boot-<mode>.png} at the verdict,
 * {@code boot-<mode>-menu.png} 1.5 s after a boot loader menu started, and during long boots a progress
 * shot every 30 s of which the last three are kept.
 */
final class Screenshots {
    private static final int KEEP = 3;

    private final Path base;
    private final ArrayDeque<Path> progress = new ArrayDeque<>();
    private int count;
    private Path last;

    Screenshots(Path log) {
        this.base = log.resolveSibling(log.getFileName().toString().replaceAll("\\.log$", ""));
    }

    void progress(QmpClient qmp) {
        Path p = base.resolveSibling(base.getFileName() + "-progress-" + (++count) + ".png");
        if (take(qmp, p)) {
            progress.add(p);
            while (progress.size() > KEEP) {
                try {
                    Files.deleteIfExists(progress.poll());
                } catch (IOException ignored) {
                    // keep going
                }
            }
        }
    }

    /** The boot loader's menu, shortly after it started. */
    void menu(QmpClient qmp) {
        take(qmp, base.resolveSibling(base.getFileName() + "-menu.png"));
    }

    void last(QmpClient qmp) {
        Path p = base.resolveSibling(base.getFileName() + ".png");
        if (take(qmp, p)) {
            last = p;
        }
    }

    Path lastShot() {
        return last;
    }

    private static boolean take(QmpClient qmp, Path png) {
        try {
            Files.deleteIfExists(png);
            qmp.screendump(png);
            for (int i = 0; i < 100 && !Files.exists(png); i++) {
                Thread.sleep(50);
            }
            return Files.exists(png);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
