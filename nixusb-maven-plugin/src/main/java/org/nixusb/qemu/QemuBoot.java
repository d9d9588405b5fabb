package org.nixusb.qemu;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.hybrid.HybridLayout;

/**
 * Boots an image in {@code qemu-system-x86_64} and watches the serial console for an expected or a
 * failure pattern. The image is attached so that nothing is ever written to it; qemu and its children
 * are always killed (on success, failure, timeout and JVM shutdown).
 */
public final class QemuBoot {
    /** Console text that means the boot cannot succeed. */
    public static final String DEFAULT_FAIL = "Kernel panic|No bootable device|Boot failed|"
            + "isolinux\\.bin missing or corrupt|Could not find kernel image|Failed to load ldlinux\\.c32|"
            + "No bootable option or device was found|UEFI Interactive Shell|Invalid or corrupt kernel image|"
            + "Booting kernel failed|error: invalid magic number|you need to load the kernel first|Access Denied";

    /**
     * What to boot and what to wait for.
     *
     * @param image the disk image
     * @param mode how to attach it
     * @param expect a regex whose match means success
     * @param fail a regex whose match means failure (may be null)
     * @param timeout how long to wait for either
     * @param memoryMiB guest memory
     * @param qemu the qemu binary (a name on PATH or a path)
     * @param accelerator how QEMU runs the guest
     * @param log the serial log file
     * @param extraArgs more qemu arguments
     * @param ovmfCode the OVMF code image for UEFI modes, or null to find it
     * @param ovmfVars the OVMF variable store template (copied per boot), or null to find it
     */
    public record Settings(Path image, BootMode mode, Pattern expect, Pattern fail, Duration timeout, int memoryMiB,
            String qemu, Accelerator accelerator, Path log, List<String> extraArgs, Path ovmfCode, Path ovmfVars,
            Stick stick) {

        public Settings(Path image, BootMode mode, Pattern expect, Pattern fail, Duration timeout, int memoryMiB,
                String qemu, Accelerator accelerator, Path log, List<String> extraArgs, Path ovmfCode, Path ovmfVars) {
            this(image, mode, expect, fail, timeout, memoryMiB, qemu, accelerator, log, extraArgs, ovmfCode, ovmfVars,
                    Stick.DEFAULT);
        }

        public Settings(Path image, BootMode mode, Pattern expect, Pattern fail, Duration timeout, int memoryMiB,
                String qemu, Accelerator accelerator, Path log, List<String> extraArgs) {
            this(image, mode, expect, fail, timeout, memoryMiB, qemu, accelerator, log, extraArgs, null, null);
        }
    }

    /**
     * How a disk mode presents the image, as a stick a user writes it to would: {@code size} bytes with the
     * image at its start (0: exactly the image); for {@code uefi-usb}, the El Torito catalog masked
     * ({@code maskCatalog}), so that the firmware reaches the EFI loader only through the partition table;
     * and whether {@code uefi-usb} first checks the layout ({@code layoutCheck}), a fast verdict before
     * the boot.
     */
    public record Stick(long size, boolean maskCatalog, boolean layoutCheck) {
        public static final long DEFAULT_SIZE = 8L << 30;
        public static final Stick DEFAULT = new Stick(DEFAULT_SIZE, true, true);
    }

    /** What qemu prints when KVM exists but cannot run the guest. */
    private static final Pattern KVM_BROKEN = Pattern.compile(
            "KVM internal error|failed to initialize kvm|Could not access KVM kernel module|kvm run failed");
    /** A boot loader that shows a menu has started: ISOLINUX's banner, GRUB's, systemd-boot's. */
    private static final Pattern MENU = Pattern.compile("ISOLINUX \\d|SYSLINUX \\d|GNU GRUB|Boot Menu|systemd-boot");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]|\u001B[()][A-Z0-9]|\r");
    private static final int WINDOW = 256 * 1024;
    /** The QMP socket directory's name starts with this, then the JVM's process id. */
    static final String QMP_PREFIX = "nixusb-qmp-";

    private final BuildLog log;

    public QemuBoot(BuildLog log) {
        this.log = log;
    }

    /** Finds the qemu binary: a path, or a name looked up on PATH. */
    public static Path findQemu(String qemu) throws BadInputException {
        if (qemu.contains("/")) {
            Path p = Path.of(qemu);
            if (Files.isExecutable(p)) {
                return p;
            }
        } else {
            String path = System.getenv("PATH");
            for (String dir : (path == null ? "/usr/bin:/bin:/usr/local/bin" : path).split(File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, qemu);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new BadInputException(qemu, "QEMU was not found (looked " + (qemu.contains("/") ? "at that path" : "on PATH")
                + ")", "Install it (Debian/Ubuntu: apt-get install qemu-system-x86; Fedora: dnf install "
                        + "qemu-system-x86; Arch: pacman -S qemu-system-x86) or set the qemu option to its path, "
                        + "or skip the boot test", null).option("qemu", "skipBoot");
    }

    /** True when KVM can be opened by this user. */
    public static boolean kvmUsable() {
        Path kvm = Path.of("/dev/kvm");
        return Files.isReadable(kvm) && Files.isWritable(kvm);
    }

    public List<String> command(Settings s, Path qemuBinary, String accel, Path[] firmware) {
        return command(s, qemuBinary, accel, firmware, null);
    }

    List<String> command(Settings s, Path qemuBinary, String accel, Path[] firmware, Path disk) {
        List<String> cmd = new ArrayList<>();
        cmd.add(qemuBinary.toString());
        for (String a : accel.split(":")) {
            cmd.add("-accel");
            cmd.add(a);
        }
        cmd.addAll(List.of("-machine", s.mode().secure() ? "q35,smm=on" : s.mode().uefi() ? "q35" : "pc", "-m",
                String.valueOf(s.memoryMiB()),
                "-nographic", "-no-reboot", "-net", "none", "-serial", "mon:stdio"));
        if (s.mode().secure()) {
            // the variable store can be written only from SMM: what makes Secure Boot settings tamper-proof
            cmd.addAll(List.of("-global", "driver=cfi.pflash01,property=secure,value=on"));
        }
        if (firmware != null) {
            cmd.addAll(List.of("-drive", "if=pflash,format=raw,readonly=on,file=" + firmware[0].toString().replace(",",
                    ",,"), "-drive", "if=pflash,format=raw,file=" + firmware[1].toString().replace(",", ",,")));
        }
        cmd.addAll(s.mode().deviceArgs(s.image(), disk));
        cmd.addAll(s.extraArgs());
        return cmd;
    }

    /** KVM verdicts of this JVM (one build), by qemu binary: probed once, and dropped for good when a boot hits it. */
    private static final java.util.Map<Path, Boolean> KVM_WORKS = new java.util.concurrent.ConcurrentHashMap<>();

    private String accelerators(Accelerator wanted, Path qemu) {
        return switch (wanted == null ? Accelerator.AUTO : wanted) {
            case KVM -> "kvm";
            case TCG -> "tcg";
            case AUTO -> kvmUsable() && KVM_WORKS.computeIfAbsent(qemu, this::probeKvm) ? "kvm:tcg" : "tcg";
        };
    }

    /** Starts qemu with KVM, paused, and sees whether it comes up: once per build, not per boot. */
    private boolean probeKvm(Path qemu) {
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(qemu.toString(), "-accel", "kvm", "-machine", "pc", "-nodefaults",
                    "-no-user-config", "-display", "none", "-S", "-monitor", "none", "-serial", "none")
                    .redirectErrorStream(true).start();
            boolean exited = p.waitFor(2, TimeUnit.SECONDS);
            String out = exited ? new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    : "";
            kill(p);
            boolean works = !exited || (p.exitValue() == 0 && !KVM_BROKEN.matcher(out).find());
            log.info(String.format("KVM probe (once per build): %s in %.1f s", works ? "usable"
                    : "not usable (" + out.strip().replaceAll("\\s+", " ") + "), booting in software emulation",
                    (System.nanoTime() - t0) / 1e9));
            return works;
        } catch (IOException e) {
            log.warn("KVM probe failed to start qemu (" + e.getMessage() + "): booting in software emulation");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public BootResult boot(Settings s) throws BadInputException, IOException {
        if (!Files.exists(s.image()) || Files.isDirectory(s.image())) {
            throw new BadInputException(s.image(), "the image to boot does not exist",
                    "Remaster an image first, or set the image option to an existing one").option("image");
        }
        Path qemu = findQemu(s.qemu());
        String accel = accelerators(s.accelerator(), qemu);
        Files.createDirectories(s.log().toAbsolutePath().getParent());
        if (s.mode().uefiStick() && s.stick().layoutCheck()) {
            List<String> problems = HybridLayout.uefiUsbProblems(s.image());
            if (!problems.isEmpty()) {
                Files.writeString(s.log(), "nixusb: layout check failed, not booted: " + problems + "\n");
                return new BootResult(s.mode(), false, "the image is not laid out for UEFI USB boot ("
                        + String.join("; ", problems) + "); QEMU's OVMF may boot it anyway, real firmware does not have to",
                        0, s.log(), List.of(), "none", null);
            }
            log.info("UEFI USB layout: 0xEF MBR slot and both GPT copies over the EFI image, CRCs valid");
        }
        if (s.mode().secure()) {
            String unsigned = unsignedLoaders(s.image());
            if (unsigned != null) {
                log.warn(s.mode().id() + ": " + unsigned + ": Secure Boot firmware refuses to run it (Access Denied). "
                        + "A loader nixusb created (efi=create) is unsigned; keep the source's signed shim with efi=keep");
            }
        }
        // the overlay stays beside the serial log, so that the command in the report reruns the same boot
        Path disk = s.mode().disk() ? stick(s) : null;
        BootResult r = attempt(s, qemu, accel, disk);
        if (!r.passed() && accel.startsWith("kvm") && (s.accelerator() == null || s.accelerator() == Accelerator.AUTO)
                && KVM_BROKEN.matcher(r.reason()).find()) {
            KVM_WORKS.put(qemu, false);
            log.warn("KVM does not work on this machine (" + r.reason() + "); booting again in software "
                    + "emulation, and so does every later boot of this build");
            r = attempt(s, qemu, "tcg", disk);
        }
        if (disk != null) {
            reportPartitionTable(s);
        }
        return r;
    }

    /**
     * The throw-away qcow2 overlay a disk mode boots: the stick's size with the image at its start, and
     * for {@code uefi-usb} the El Torito catalog masked. The image is only read.
     */
    private Path stick(Settings s) throws IOException {
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
            long lba = catalogBlock(s.image());
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

    /**
     * Which of the image's El Torito EFI loaders ({@code /EFI/BOOT/BOOTX64.EFI} in an EFI image) carry no
     * Authenticode signature, or null when all do (or there is none to check).
     */
    static String unsignedLoaders(Path image) {
        List<String> unsigned = new ArrayList<>();
        try (org.nixusb.iso9660.IsoVolume v = org.nixusb.iso9660.IsoVolume.open(image)) {
            if (v.bootRecord() == null) {
                return null;
            }
            long lba = org.nixusb.eltorito.BootRecord.catalogLba(v.bootRecord());
            org.nixusb.eltorito.BootCatalog c = org.nixusb.eltorito.BootCatalog.parse(v.image().readBlock(lba,
                    "the El Torito catalog"));
            for (org.nixusb.eltorito.CatalogEntry e : c.entries()) {
                if (e.platform() != org.nixusb.eltorito.CatalogEntry.PLATFORM_EFI) {
                    continue;
                }
                long base = e.loadLba() * 2048;
                long size = Math.min(org.nixusb.fat.FatFileSystem.declaredSize(v.image().channel(), base),
                        v.image().size() - base);
                org.nixusb.fat.FatFileSystem fat = org.nixusb.fat.FatFileSystem.open(v.image().channel(), base, size);
                org.nixusb.fat.FatFileSystem.FatEntry loader = fat.find("/EFI/BOOT/BOOTX64.EFI");
                if (loader != null && loader.size() < 64L << 20
                        && !org.nixusb.pe.PeImage.signed(fat.readAll(loader))) {
                    unsigned.add("the EFI loader EFI/BOOT/BOOTX64.EFI in the El Torito EFI image at block "
                            + e.loadLba() + " has no Authenticode signature");
                }
            }
        } catch (IOException | BadInputException | RuntimeException unreadable) {
            return null;
        }
        return unsigned.isEmpty() ? null : String.join("; ", unsigned);
    }

    /** Where the image's El Torito catalog is (block), or -1 when it has none. */
    static long catalogBlock(Path image) {
        try (org.nixusb.iso9660.IsoVolume v = org.nixusb.iso9660.IsoVolume.open(image)) {
            return v.bootRecord() == null ? -1
                    : org.nixusb.eltorito.BootRecord.catalogLba(v.bootRecord());
        } catch (IOException | BadInputException notIso) {
            return -1;
        }
    }

    private static String human(long bytes) {
        return bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? (bytes >> 30) + " GiB"
                : bytes >= 1L << 20 ? String.format("%.1f MiB", bytes / (double) (1 << 20)) : bytes + " bytes";
    }

    /** What the guest kernel said about the stick's partition table, from the serial log. */
    private void reportPartitionTable(Settings s) {
        try {
            String text = Files.readString(s.log(), java.nio.charset.StandardCharsets.ISO_8859_1);
            List<String> lines = new ArrayList<>();
            for (String line : text.split("\\R")) {
                String l = ANSI.matcher(line).replaceAll("").strip();
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

    private BootResult attempt(Settings s, Path qemu, String accel, Path disk) throws IOException, BadInputException {
        Path[] firmware = null;
        if (s.mode().uefi()) {
            Path[] ovmf = s.mode().secure() ? Ovmf.findSecure(s.ovmfCode(), s.ovmfVars())
                    : Ovmf.find(s.ovmfCode(), s.ovmfVars());
            Path vars = s.log().resolveSibling(s.log().getFileName().toString().replaceAll("\\.log$", "")
                    + "-ovmf-vars.fd");
            Files.copy(ovmf[1], vars, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            vars.toFile().setWritable(true);
            firmware = new Path[] {ovmf[0], vars};
        }
        // short (a socket path has 108 bytes) and private; named after this JVM, so its leftovers are its own
        Path qmpDir = Files.createTempDirectory(QMP_PREFIX + ProcessHandle.current().pid() + "-");
        Path qmpSocket = qmpDir.resolve("qmp.sock");
        List<String> cmd = new ArrayList<>(command(s, qemu, accel, firmware, disk));
        cmd.addAll(List.of("-qmp", "unix:" + qmpSocket + ",server=on,wait=off"));
        log.info(String.format("Booting %s as %s in QEMU (%s, %d MiB), waiting up to %d s for /%s/; serial log %s",
                s.image().getFileName(), s.mode().id(), accel.equals("tcg") ? "software emulation"
                        : "KVM", s.memoryMiB(), s.timeout().toSeconds(), s.expect().pattern(), s.log()));
        log.debug("qemu command: " + String.join(" ", cmd));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(
                ProcessBuilder.Redirect.PIPE);
        long start = System.nanoTime();
        Process p = pb.start();
        Thread hook = new Thread(() -> kill(p), "nixusb-qemu-killer");
        Runtime.getRuntime().addShutdownHook(hook);
        Pattern fail = s.fail() == null ? KVM_BROKEN
                : Pattern.compile("(?:" + s.fail().pattern() + ")|" + KVM_BROKEN.pattern());
        ConsoleWatcher watcher = new ConsoleWatcher(p.getInputStream(), s.log(), s.expect(), fail);
        Thread reader = new Thread(watcher, "nixusb-qemu-console");
        reader.setDaemon(true);
        reader.start();
        String verdict;
        boolean passed = false;
        QmpClient qmp = null;
        Screenshots shots = new Screenshots(s.log());
        try {
            long deadline = start + s.timeout().toNanos();
            long lastBeat = System.nanoTime();
            long lastShot = System.nanoTime();
            boolean menuShot = false;
            while (true) {
                synchronized (watcher) {
                    if (watcher.outcome == null && p.isAlive()) {
                        watcher.wait(500);
                    }
                }
                watcher.evaluateQuietTail();
                if (watcher.outcome != null) {
                    passed = watcher.outcome;
                    verdict = watcher.detail;
                    break;
                }
                if (!p.isAlive()) {
                    reader.join(2000);
                    if (watcher.outcome != null) {
                        passed = watcher.outcome;
                        verdict = watcher.detail;
                    } else {
                        verdict = "qemu exited with code " + p.exitValue() + " before the expected output appeared"
                                + lastLines(watcher);
                    }
                    break;
                }
                long now = System.nanoTime();
                if (now > deadline) {
                    verdict = "timed out after " + s.timeout().toSeconds() + " s without the expected output"
                            + lastLines(watcher);
                    break;
                }
                if (qmp == null && Files.exists(qmpSocket)) {
                    qmp = tryQmp(qmpSocket);
                }
                if (qmp != null && watcher.menuSeenAt > 0 && !menuShot
                        && now - watcher.menuSeenAt > TimeUnit.MILLISECONDS.toNanos(1500)) {
                    menuShot = true;
                    shots.menu(qmp);
                }
                if (qmp != null && now - lastShot > TimeUnit.SECONDS.toNanos(30)) {
                    lastShot = now;
                    shots.progress(qmp);
                }
                if (now - lastBeat > TimeUnit.SECONDS.toNanos(15)) {
                    lastBeat = now;
                    log.info(String.format("  ... %d s, last console line: %s", TimeUnit.NANOSECONDS.toSeconds(
                            now - start), watcher.lastLine()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            verdict = "interrupted";
        } finally {
            if (qmp == null && p.isAlive() && Files.exists(qmpSocket)) {
                qmp = tryQmp(qmpSocket);
            }
            if (qmp != null) {
                shots.last(qmp);
                try {
                    qmp.quit();
                } catch (IOException alreadyGone) {
                    // killed below anyway
                }
                try {
                    qmp.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
            kill(p);
            deleteQuietly(qmpDir);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            watcher.close();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new BootResult(s.mode(), passed, verdict, millis, s.log(), cmd, accel, shots.lastShot());
    }

    private QmpClient tryQmp(Path socket) {
        try {
            return QmpClient.connect(socket, Duration.ofSeconds(2));
        } catch (IOException e) {
            log.debug("no QMP connection yet: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory: the OS cleans it eventually
        }
    }

    private static String lastLines(ConsoleWatcher w) {
        String l = w.lastLine();
        return l.isEmpty() ? "" : "; last console line: " + l;
    }

    /** Kills qemu and everything it started: TERM, then KILL after 3 s. */
    static void kill(Process p) {
        List<ProcessHandle> all = new ArrayList<>();
        try {
            p.descendants().forEach(all::add);
        } catch (RuntimeException ignored) {
            // process already gone
        }
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroy);
        try {
            p.waitFor(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : all) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies the console to the log file and matches the patterns on a sliding window of cleaned text. */
    private static final class ConsoleWatcher implements Runnable {
        private final InputStream in;
        private final Path logFile;
        private final Pattern expect;
        private final Pattern fail;
        private final StringBuilder window = new StringBuilder();
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
                        window.append(ANSI.matcher(new String(buf, 0, n, StandardCharsets.ISO_8859_1)).replaceAll(""));
                        if (window.length() > WINDOW) {
                            window.delete(0, window.length() - WINDOW / 2);
                        }
                        lastData = System.nanoTime();
                        if (menuSeenAt == 0 && MENU.matcher(window).find()) {
                            menuSeenAt = lastData;
                        }
                        evaluate(false);
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
            }
            if (outcome != null) {
                notifyAll();
            }
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
}
