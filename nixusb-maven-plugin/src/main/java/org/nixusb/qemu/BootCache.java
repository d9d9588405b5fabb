package org.nixusb.qemu;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.nixusb.BadInputException;
import org.nixusb.checksum.Sha256File;

/**
 * Boots already proven: a passed boot is kept under a key made of everything that decides it (the image's SHA-256,
 * the mode and machine, QEMU's version, the host's processor and the accelerator asked for, the firmware files' hashes, the stick, memory and extra QEMU arguments,
 * {@code expect}, the fail patterns, the console script and this tool's version), and a boot with the same key is not
 * repeated: its verdict, serial log, screenshot and steps come back from the cache. Failed boots are never kept, so a
 * failure always boots again.
 */
public final class BootCache {
    private static final String FORMAT = "nixusb-boot-cache 1";
    private static final Map<String, String> IMAGE_HASHES = new ConcurrentHashMap<>();
    private static final Map<Path, String> QEMU_VERSIONS = new ConcurrentHashMap<>();

    private final Path directory;

    public BootCache(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** What decides a boot, one fact a line; its SHA-256 is the key. */
    static String describe(QemuBoot.Settings s, Path qemu, Path[] firmware) throws IOException, BadInputException {
        StringBuilder b = new StringBuilder(FORMAT).append('\n');
        b.append("image sha256 ").append(imageSha256(s.image())).append('\n');
        b.append("mode ").append(s.mode().id()).append('\n');
        b.append("machine ").append(s.arch() == null ? GuestArch.X86_64.id() : s.arch().id()).append('\n');
        b.append("qemu ").append(qemuVersion(qemu)).append('\n');
        // the host's processor and the accelerator asked for: a boot proven in software emulation on x86 says
        // little about KVM on the same host or about an arm64 host
        b.append("host ").append(System.getProperty("os.arch")).append(" accelerator ")
                .append(s.accelerator() == null ? Accelerator.AUTO.id() : s.accelerator().id()).append('\n');
        if (firmware != null) {
            for (Path f : firmware) {
                b.append("firmware ").append(f.getFileName()).append(" sha256 ").append(Sha256File.sha256(f))
                        .append('\n');
            }
        }
        if (s.mode().secure()) {
            b.append(s.secureVariables().fingerprint());
        }
        b.append("stick ").append(s.stick().size()).append(" mask-catalog ").append(s.stick().maskCatalog())
                .append(" layout-check ").append(s.stick().layoutCheck()).append('\n');
        b.append("memory ").append(s.memoryMiB()).append('\n');
        b.append("qemu-args ").append(String.join(" ", s.extraArgs())).append('\n');
        b.append("expect ").append(s.expect().pattern()).append('\n');
        b.append("fail ").append(s.fail() == null ? "" : s.fail().pattern()).append('\n');
        b.append("timeout ").append(s.timeout().toSeconds()).append('\n');
        if (s.script() != null) {
            for (ConsoleScript.Step st : s.script().steps()) {
                b.append("step ").append(st.line()).append(' ').append(st.kind()).append(" [").append(st.name())
                        .append("] ").append(st.text().replace("\n", "\\n")).append(st.output() == null ? ""
                                : " => " + st.output().pattern()).append(st.timeout() == null ? ""
                                        : " @" + st.timeout().toSeconds() + "s").append('\n');
            }
        }
        String version = BootCache.class.getPackage().getImplementationVersion();
        b.append("nixusb ").append(version == null ? "development" : version).append('\n');
        return b.toString();
    }

    static String key(String description) {
        return sha256(description.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The kept result for {@code key}, its files copied to where this boot would write them, or null.
     */
    BootResult lookup(String key, QemuBoot.Settings s) throws IOException {
        Path entry = entry(key);
        Path props = entry.resolve("result.properties");
        if (!Files.isRegularFile(props)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        if (!"true".equals(p.getProperty("passed"))) {
            return null;
        }
        Files.createDirectories(s.log().toAbsolutePath().getParent());
        Files.copy(entry.resolve("serial.log"), s.log(), StandardCopyOption.REPLACE_EXISTING);
        Path screenshot = null;
        String shot = p.getProperty("screenshot");
        if (shot != null && Files.isRegularFile(entry.resolve("screenshot.png"))) {
            screenshot = s.log().resolveSibling(shot);
            Files.copy(entry.resolve("screenshot.png"), screenshot, StandardCopyOption.REPLACE_EXISTING);
        }
        List<ScriptRunner.StepResult> steps = new ArrayList<>();
        int n = Integer.parseInt(p.getProperty("steps", "0"));
        if (s.script() != null && n == s.script().steps().size()) {
            for (int i = 0; i < n; i++) {
                steps.add(new ScriptRunner.StepResult(s.script().steps().get(i), ScriptRunner.Status.valueOf(
                        p.getProperty("step." + i + ".status")), Long.parseLong(p.getProperty("step." + i + ".millis")),
                        Files.readString(entry.resolve("step-" + i + ".txt"), StandardCharsets.UTF_8),
                        p.getProperty("step." + i + ".message")));
            }
        }
        List<String> command = List.of(p.getProperty("command", "").split("\n"));
        return new BootResult(s.mode(), true, p.getProperty("reason"), Long.parseLong(p.getProperty("millis")),
                s.log(), command, p.getProperty("accelerator"), screenshot, steps,
                Instant.parse(p.getProperty("date")));
    }

    /** Keeps a passed boot (written to a temporary directory, then moved into place whole). */
    void store(String key, String description, BootResult r, Instant when) throws IOException {
        if (!r.passed()) {
            return;
        }
        Path entry = entry(key);
        Files.createDirectories(entry.getParent());
        Path tmp = Files.createTempDirectory(entry.getParent(), key + ".tmp");
        try {
            Files.writeString(tmp.resolve("key.txt"), description, StandardCharsets.UTF_8);
            Files.copy(r.log(), tmp.resolve("serial.log"));
            Properties p = new Properties();
            p.setProperty("passed", "true");
            p.setProperty("reason", r.reason());
            p.setProperty("millis", Long.toString(r.millis()));
            p.setProperty("date", when.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            p.setProperty("mode", r.mode().id());
            p.setProperty("accelerator", r.accelerator() == null ? "" : r.accelerator());
            p.setProperty("command", String.join("\n", r.command()));
            if (r.screenshot() != null && Files.isRegularFile(r.screenshot())) {
                Files.copy(r.screenshot(), tmp.resolve("screenshot.png"));
                p.setProperty("screenshot", r.screenshot().getFileName().toString());
            }
            p.setProperty("steps", Integer.toString(r.steps().size()));
            for (int i = 0; i < r.steps().size(); i++) {
                ScriptRunner.StepResult st = r.steps().get(i);
                p.setProperty("step." + i + ".status", st.status().name());
                p.setProperty("step." + i + ".millis", Long.toString(st.millis()));
                p.setProperty("step." + i + ".message", st.message());
                Files.writeString(tmp.resolve("step-" + i + ".txt"), st.transcript(), StandardCharsets.UTF_8);
            }
            try (Writer w = Files.newBufferedWriter(tmp.resolve("result.properties"), StandardCharsets.UTF_8)) {
                p.store(w, "a boot nixusb proved; key.txt says what decided it");
            }
            try {
                Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file
                    .DirectoryNotEmptyException sameKeyMeanwhile) {
                deleteTree(tmp);
            }
        } catch (IOException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private Path entry(String key) {
        return directory.resolve(key.substring(0, 2)).resolve(key);
    }

    /** The image's SHA-256: what its {@code .sha256} file records when that is not older than the image, else computed once. */
    static String imageSha256(Path image) throws IOException {
        long size = Files.size(image);
        long mtime = Files.getLastModifiedTime(image).toMillis();
        String id = image.toAbsolutePath() + "|" + size + "|" + mtime;
        String known = IMAGE_HASHES.get(id);
        if (known != null) {
            return known;
        }
        String hash = Sha256File.recorded(image);
        if (hash == null) {
            hash = Sha256File.sha256(image);
        }
        IMAGE_HASHES.put(id, hash);
        return hash;
    }

    private static String qemuVersion(Path qemu) {
        return QEMU_VERSIONS.computeIfAbsent(qemu.toAbsolutePath(), q -> {
            try {
                Process p = new ProcessBuilder(q.toString(), "--version").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                String first = out.strip().split("\\R")[0];
                return first.isEmpty() ? "unknown " + q : first;
            } catch (IOException e) {
                return "unknown " + q;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown " + q;
            }
        });
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path d) {
        try (var s = Files.walk(d)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
