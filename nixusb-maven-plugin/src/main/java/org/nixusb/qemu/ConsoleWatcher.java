package org.nixusb.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Copies the console to the log file and matches the patterns on a sliding window of cleaned text. */
final class ConsoleWatcher implements Runnable {
    /** A boot loader that shows a menu has started: ISOLINUX's banner, GRUB's, systemd-boot's. */
    private static final Pattern MENU = Pattern.compile("ISOLINUX \\d|SYSLINUX \\d|GNU GRUB|Boot Menu|systemd-boot");
    /** Terminal escape sequences and carriage returns, stripped before matching. */
    static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\u001B[()][A-Z0-9]|\r");
    /** The start of an escape sequence that the next bytes may complete. */
    private static final Pattern PARTIAL_ESCAPE = Pattern.compile("\u001B(\\[[0-9;?]{0,16}|[()])?");
    /** how much cleaned console text the patterns see */
    private static final int WINDOW = 256 * 1024;

    private final InputStream in;
    private final Path logFile;
    private final Pattern expect;
    private final Pattern fail;
    private final StringBuilder window = new StringBuilder();
    /** all cleaned text since {@link #transcriptStart} (the head is dropped past {@link #TRANSCRIPT}) */
    private final StringBuilder transcript = new StringBuilder();
    private long transcriptStart;
    /** cleaned characters received in all */
    private long total;
    /** how much cleaned text a console script can look back on */
    private static final int TRANSCRIPT = 8 * 1024 * 1024;
    /** where the expected text ended (an absolute offset in the cleaned text), once it matched */
    volatile long expectEnd = -1;
    private String pendingEscape = "";
    private OutputStream logOut;
    private long lastData = System.nanoTime();
    volatile long menuSeenAt;
    volatile Boolean outcome;
    volatile String detail;

    ConsoleWatcher(InputStream in, Path logFile, Pattern expect, Pattern fail) throws IOException {
        this.in = in;
        this.logFile = logFile;
        this.expect = expect;
        this.fail = fail;
        this.logOut = Files.newOutputStream(logFile);
    }

    @Override
    public void run() {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (this) {
                    if (logOut != null) {
                        logOut.write(buf, 0, n);
                        logOut.flush();
                    }
                    String cleaned = clean(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    window.append(cleaned);
                    transcript.append(cleaned);
                    total += cleaned.length();
                    if (transcript.length() > TRANSCRIPT) {
                        int drop = transcript.length() - TRANSCRIPT / 2;
                        transcript.delete(0, drop);
                        transcriptStart += drop;
                    }
                    if (window.length() > WINDOW) {
                        window.delete(0, window.length() - WINDOW / 2);
                    }
                    lastData = System.nanoTime();
                    if (menuSeenAt == 0 && MENU.matcher(window).find()) {
                        menuSeenAt = lastData;
                    }
                    evaluate(false);
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // qemu closed its output
        } finally {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * The chunk with terminal escapes removed. An escape sequence cut by the end of a read (a slow console delivers
     * a few bytes at a time) is held back and completed by the next read, so that it never splits the text a
     * pattern looks for.
     */
    String clean(String chunk) {
        String text = pendingEscape + chunk;
        pendingEscape = "";
        int esc = text.lastIndexOf('\u001B');
        if (esc >= 0 && PARTIAL_ESCAPE.matcher(text.substring(esc)).matches()) {
            pendingEscape = text.substring(esc);
            text = text.substring(0, esc);
        }
        return ANSI.matcher(text).replaceAll("");
    }

    /**
     * Matches the patterns on complete lines only, so that a pattern like {@code token=\\S+} sees the whole
     * line; a partial last line (a prompt such as "login: ") counts once it has been quiet for a second.
     */
    synchronized void evaluate(boolean includePartial) {
        if (outcome != null) {
            return;
        }
        int end = window.lastIndexOf("\n") + 1;
        CharSequence text = includePartial ? window : window.subSequence(0, end);
        Matcher f = fail == null ? null : fail.matcher(text);
        Matcher e = expect.matcher(text);
        if (f != null && f.find()) {
            outcome = false;
            detail = "the console printed \"" + f.group().strip() + "\", a failure pattern";
        } else if (e.find()) {
            outcome = true;
            detail = "the console printed \"" + e.group().strip() + "\"";
            expectEnd = total - window.length() + e.end();
        }
        if (outcome != null) {
            notifyAll();
        }
    }

    /** The cleaned text from absolute offset {@code from} on (from the oldest kept when that is gone). */
    synchronized String since(long from) {
        int i = (int) Math.max(0, Math.min(transcript.length(), from - transcriptStart));
        return transcript.substring(i);
    }

    synchronized long end() {
        return total;
    }

    /** Waits up to {@code millis} for more text (or the end of the output). */
    synchronized void awaitData(long millis) throws InterruptedException {
        wait(Math.max(1, millis));
    }

    synchronized void evaluateQuietTail() {
        if (outcome == null && System.nanoTime() - lastData > 1_000_000_000L) {
            evaluate(true);
        }
    }

    synchronized String lastLine() {
        String[] lines = window.toString().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].strip();
            if (!l.isEmpty()) {
                return l.length() > 160 ? l.substring(0, 160) + "..." : l;
            }
        }
        return "";
    }

    synchronized void close() {
        try {
            if (logOut != null) {
                logOut.close();
            }
        } catch (IOException ignored) {
            // best effort
        }
        logOut = null;
    }
}
