package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/**
 * The console watcher decides a boot from the serial output: patterns see whole lines with terminal escapes
 * removed, a failure pattern wins over the expected one in the same text, a partial last line counts only
 * once the console has been quiet, and the log file gets the raw bytes.
 */
class ConsoleWatcherTest {
    private static final Pattern EXPECT = Pattern.compile("nixusb-token=\\S+");
    private static final Pattern FAIL = Pattern.compile("Kernel panic|login: ");

    private static ConsoleWatcher watch(String console, Path log) throws Exception {
        ConsoleWatcher w = new ConsoleWatcher(new ByteArrayInputStream(console.getBytes(StandardCharsets.ISO_8859_1)),
                log, EXPECT, FAIL);
        w.run();
        w.close();
        return w;
    }

    @Test
    void wholeLinesWithoutEscapesDecide() throws Exception {
        Path dir = HostTools.workDir("console-watcher");
        String console = "SeaBIOS\r\n\u001B[2J\u001B[1;1HISOLINUX 6.04\r\nnixusb-tok\u001B[0men=abc123\r\nmore\r\n";
        ConsoleWatcher w = watch(console, dir.resolve("a.log"));
        assertEquals(Boolean.TRUE, w.outcome);
        assertEquals("the console printed \"nixusb-token=abc123\"", w.detail, "the escape inside the line is gone");
        assertTrue(w.menuSeenAt > 0, "ISOLINUX's banner counts as a menu");
        assertArrayEquals(console.getBytes(StandardCharsets.ISO_8859_1), Files.readAllBytes(dir.resolve("a.log")),
                "the log keeps the raw bytes");
        assertEquals("more", w.lastLine());
    }

    @Test
    void aFailurePatternWinsAndAPartialLineWaits() throws Exception {
        Path dir = HostTools.workDir("console-watcher-fail");
        ConsoleWatcher panic = watch("nixusb-token=x\nKernel panic - not syncing\n", dir.resolve("b.log"));
        assertEquals(Boolean.FALSE, panic.outcome, "both in one read: the failure wins");
        assertTrue(panic.detail.contains("Kernel panic"), panic.detail);

        ConsoleWatcher partial = watch("Welcome\nnixos login: ", dir.resolve("c.log"));
        assertNull(partial.outcome, "a prompt without a newline is not judged at once");
        partial.evaluate(true);
        assertEquals(Boolean.FALSE, partial.outcome, "judged once the console is quiet");

        ConsoleWatcher cut = watch("nixusb-token=abc", dir.resolve("d.log"));
        assertNull(cut.outcome, "the token's line may still grow");
    }

    @Test
    void quietTailIsJudgedAfterASecondOfSilence() throws Exception {
        Path dir = HostTools.workDir("console-watcher-quiet");
        PipedOutputStream qemu = new PipedOutputStream();
        ConsoleWatcher w = new ConsoleWatcher(new PipedInputStream(qemu), dir.resolve("e.log"), EXPECT, FAIL);
        Thread reader = new Thread(w);
        reader.start();
        qemu.write("booting\nnixos login: ".getBytes(StandardCharsets.ISO_8859_1));
        qemu.flush();
        Thread.sleep(200);
        w.evaluateQuietTail();
        assertNull(w.outcome, "not quiet long enough");
        Thread.sleep(1200);
        w.evaluateQuietTail();
        assertEquals(Boolean.FALSE, w.outcome);
        qemu.close();
        reader.join(5000);
        assertFalse(reader.isAlive());
        w.close();
    }

    /**
     * A slow console delivers a few bytes per read, cutting escape sequences in two: the marker ISOLINUX printed
     * with a cursor move inside it (as SeaBIOS's serial console does) is still found. Control: the same bytes in
     * one read.
     */
    @Test
    void anEscapeCutBetweenReadsDoesNotSplitTheMarker() throws Exception {
        Path dir = HostTools.workDir("console-watcher-slow");
        String console = "NIXUSB-WRITTEN-9f27dd3\u001B[05;22H\u001B[05;23H1\r\nLoading /no-kernel...\r\n";
        byte[] bytes = console.getBytes(StandardCharsets.ISO_8859_1);
        for (int step = 1; step <= 7; step++) {
            int size = step;
            java.io.InputStream trickle = new ByteArrayInputStream(bytes) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    return super.read(b, off, Math.min(len, size));
                }
            };
            ConsoleWatcher w = new ConsoleWatcher(trickle, dir.resolve("slow-" + step + ".log"),
                    Pattern.compile(Pattern.quote("NIXUSB-WRITTEN-9f27dd31")), FAIL);
            w.run();
            w.close();
            assertEquals(Boolean.TRUE, w.outcome, "reads of " + step + " bytes: " + w.detail);
        }
        ConsoleWatcher whole = watch(console.replace("NIXUSB-WRITTEN", "nixusb-token="), dir.resolve("whole.log"));
        assertEquals(Boolean.TRUE, whole.outcome, whole.detail);
        assertEquals("the console printed \"nixusb-token=-9f27dd31\"", whole.detail);
    }
}
