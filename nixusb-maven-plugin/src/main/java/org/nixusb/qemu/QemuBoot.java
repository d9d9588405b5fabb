package org.nixusb.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.nixusb.BadInputException;
import org.nixusb.efivars.VariableStore;
import org.nixusb.secureboot.SecureBootVariables;
import org.nixusb.BuildLog;
import org.nixusb.HostPaths;
import org.nixusb.HostPlatform;
import org.nixusb.hybrid.UefiStickCheck;

/**
 * Boots an image in {@code qemu-system-x86_64} and watches the serial console for an expected or a
 * failure pattern. The image is attached so that nothing is ever written to it; qemu and its children
 * are always killed (on success, failure, timeout and JVM shutdown).
 */
public final class QemuBoot {
    /**
     * Console text that means the boot cannot succeed: firmware and boot loader failures (SeaBIOS, OVMF,
     * ISOLINUX, GRUB), kernel panics, and what real live systems print when their initramfs gives up: live-boot's
     * and casper's missing medium, the {@code (initramfs)} shell prompt, dracut's emergency mode and initqueue
     * timeout, systemd's emergency mode, NixOS stage 1's error. GRUB's missing file counts for files, not for a
     * directory: Debian's signed GRUB for CDs says "error: file `/boot/' not found." on its way to a good boot.
     * GRUB's "error: no such device" is not one: Debian's GRUB EFI images print "error: no such device:
     * /.disk/info." on every good boot from a medium without that file; where a missing device is fatal, GRUB goes
     * on to "you need to load the kernel first", which is.
     */
    public static final String DEFAULT_FAIL = "Kernel panic|No bootable device|Boot failed|"
            + "isolinux\\.bin missing or corrupt|Could not find kernel image|Failed to load ldlinux\\.c32|"
            + "No bootable option or device was found|UEFI Interactive Shell|Invalid or corrupt kernel image|"
            + "Booting kernel failed|error: invalid magic number|you need to load the kernel first|Access Denied|"
            + "Unable to find a medium containing a live file system|(?m:^\\(initramfs\\) )|"
            + "Entering emergency mode|Warning: dracut-initqueue:? timeout|You are in emergency mode|"
            + "An error occurred in stage 1 of the boot process|error: file `[^'\\n]*[^/'\\n]' not found|"
            // shim refusing itself or what it loads (SBAT revocation, signature, dbx), GRUB refusing a kernel
            + "SBAT data failed|SBAT self-check failed|Security Policy Violation|Verification failed: |"
            + "Failed to load image|start_image\\(\\) returned|error: bad shim signature|"
            + "error: prohibited by secure boot policy|"
            // mkfs.fat's boot sector: a FAT stick nothing was installed on
            + "This is not a bootable disk";

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
     * @param stick how a disk mode presents the image
     * @param arch the machine to boot on, or null for the image's own ({@link ImageBootChecks#machineFor})
     * @param script console steps to run once {@code expect} matched, or null
     * @param cache where passed boots are kept and reused, or null
     * @param force boot even when the cache holds a passed boot (the new result is kept)
     * @param secureVariables what a secure mode's firmware holds (SBAT level, dbx, MOK), written into the boot's
     *     copy of the variable store
     */
    public record Settings(Path image, BootMode mode, Pattern expect, Pattern fail, Duration timeout, int memoryMiB,
            String qemu, Accelerator accelerator, Path log, List<String> extraArgs, Path ovmfCode, Path ovmfVars,
            Stick stick, GuestArch arch, ConsoleScript script, BootCache cache, boolean force,
            SecureBootVariables secureVariables) {

        /**
         * Settings for booting {@code image} in {@code mode} with the serial log in {@code log}; every other setting
         * starts at its default: {@link #DEFAULT_FAIL}, 300 s, 1024 MiB, {@code qemu-system-x86_64}, the
         * accelerator {@code auto}, no extra arguments, OVMF found, {@link Stick#DEFAULT}, the image's own machine,
         * no script, no cache. {@code expect} must be set.
         */
        public static Builder builder(Path image, BootMode mode, Path log) {
            return new Builder(image, mode, log);
        }

        /** A builder that starts from these settings. */
        public Builder toBuilder() {
            Builder b = new Builder(image, mode, log).expect(expect).fail(fail).timeout(timeout).memoryMiB(memoryMiB)
                    .qemu(qemu).accelerator(accelerator).extraArgs(extraArgs).ovmf(ovmfCode, ovmfVars).stick(stick)
                    .arch(arch).script(script).secureVariables(secureVariables);
            b.cache = cache;
            b.force = force;
            return b;
        }

        /** The same settings with console steps to run once {@code expect} matched. */
        public Settings withScript(ConsoleScript s) {
            return toBuilder().script(s).build();
        }

        /**
         * The same settings keeping passed boots in {@code c} (null: none) and reusing them unless {@code boot}
         * (then the boot runs, and its result is kept).
         */
        public Settings withCache(BootCache c, boolean boot) {
            return toBuilder().cache(c, boot).build();
        }

        /** The same settings on the machine {@code a}. */
        public Settings on(GuestArch a) {
            return toBuilder().arch(a).build();
        }
    }

    /** Builds {@link Settings}, one named setting at a time. */
    public static final class Builder {
        private final Path image;
        private final BootMode mode;
        private final Path log;
        private Pattern expect;
        private Pattern fail = Pattern.compile(DEFAULT_FAIL);
        private Duration timeout = Duration.ofSeconds(300);
        private int memoryMiB = 1024;
        private String qemu = "qemu-system-x86_64";
        private Accelerator accelerator = Accelerator.AUTO;
        private List<String> extraArgs = List.of();
        private Path ovmfCode;
        private Path ovmfVars;
        private Stick stick = Stick.DEFAULT;
        private GuestArch arch;
        private ConsoleScript script;
        private BootCache cache;
        private boolean force;
        private SecureBootVariables secureVariables = SecureBootVariables.DEFAULTS;

        private Builder(Path image, BootMode mode, Path log) {
            this.image = image;
            this.mode = mode;
            this.log = log;
        }

        /** A regex whose match on the serial console means success. */
        public Builder expect(Pattern p) {
            expect = p;
            return this;
        }

        /** A regex whose match means failure, or null for none. */
        public Builder fail(Pattern p) {
            fail = p;
            return this;
        }

        public Builder timeout(Duration t) {
            timeout = t;
            return this;
        }

        public Builder memoryMiB(int m) {
            memoryMiB = m;
            return this;
        }

        /** The qemu binary: a name on PATH or a path. */
        public Builder qemu(String q) {
            qemu = q;
            return this;
        }

        public Builder accelerator(Accelerator a) {
            accelerator = a;
            return this;
        }

        public Builder extraArgs(List<String> a) {
            extraArgs = a == null ? List.of() : a;
            return this;
        }

        /** The OVMF code image and variable store template; null for either: found on the host. */
        public Builder ovmf(Path code, Path vars) {
            ovmfCode = code;
            ovmfVars = vars;
            return this;
        }

        public Builder stick(Stick s) {
            stick = s;
            return this;
        }

        /** The machine to boot on; null: the image's own. */
        public Builder arch(GuestArch a) {
            arch = a;
            return this;
        }

        public Builder script(ConsoleScript s) {
            script = s;
            return this;
        }

        /** Keep passed boots in {@code c} (null: none) and reuse them unless {@code boot}. */
        public Builder cache(BootCache c, boolean boot) {
            cache = c;
            force = boot;
            return this;
        }

        /** What a secure mode's firmware holds; null: {@link SecureBootVariables#DEFAULTS}. */
        public Builder secureVariables(SecureBootVariables v) {
            secureVariables = v == null ? SecureBootVariables.DEFAULTS : v;
            return this;
        }

        public Settings build() {
            if (expect == null) {
                throw new IllegalStateException("a boot needs the pattern it expects");
            }
            return new Settings(image, mode, expect, fail, timeout, memoryMiB, qemu, accelerator, log, extraArgs,
                    ovmfCode, ovmfVars, stick, arch, script, cache, force, secureVariables);
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

    /** The QMP socket directory's name starts with this, then the JVM's process id. */
    static final String QMP_PREFIX = "nixusb-qmp-";

    private final BuildLog log;

    public QemuBoot(BuildLog log) {
        this.log = log;
    }

    /** Finds the qemu binary: a path, or a name looked up on PATH and where platforms install it. */
    public static Path findQemu(String qemu) throws BadInputException {
        return QemuLocations.find(qemu, System.getenv("PATH"), System.getProperty(HostPaths.ROOT_PROPERTY),
                HostPlatform.current());
    }

    public List<String> command(Settings s, Path qemuBinary, String accel, Path[] firmware) {
        return command(s, qemuBinary, accel, firmware, null);
    }

    /** The machine a boot runs on: the configured one, else x86_64 (the image is checked in {@link #boot}). */
    private static GuestArch arch(Settings s) {
        return s.arch() == null ? GuestArch.X86_64 : s.arch();
    }

    /** Whether the boot's firmware needs System Management Mode: the x86 Secure Boot builds. */
    private static boolean smm(Settings s, Path[] firmware) {
        return arch(s) != GuestArch.AARCH64 && (s.mode().secure() || firmware != null && Ovmf.needsSmm(firmware[0]));
    }

    List<String> command(Settings s, Path qemuBinary, String accel, Path[] firmware, Path disk) {
        List<String> cmd = new ArrayList<>();
        cmd.add(qemuBinary.toString());
        for (String a : accel.split(":")) {
            cmd.add("-accel");
            cmd.add(a);
        }
        boolean smm = smm(s, firmware);
        cmd.addAll(arch(s).machineArgs(s.mode(), smm));
        cmd.addAll(List.of("-m", String.valueOf(s.memoryMiB()),
                "-nographic", "-no-reboot", "-net", "none", "-serial", "mon:stdio"));
        if (arch(s) == GuestArch.AARCH64) {
            // the virt machine has no display of its own: a RAM framebuffer, which the firmware draws on, for the
            // screenshots
            cmd.addAll(List.of("-device", "ramfb"));
        }
        if (smm) {
            // the variable store can be written only from SMM: what makes Secure Boot settings tamper-proof
            cmd.addAll(List.of("-global", "driver=cfi.pflash01,property=secure,value=on"));
        }
        if (firmware != null) {
            cmd.addAll(List.of("-drive", "if=pflash,format=raw,readonly=on,file=" + firmware[0].toString().replace(",",
                    ",,"), "-drive", "if=pflash,format=raw,file=" + firmware[1].toString().replace(",", ",,")));
        }
        cmd.addAll(s.mode().deviceArgs(s.image(), disk, arch(s)));
        cmd.addAll(s.extraArgs());
        return cmd;
    }

    /** The mode a boot without one configured uses: bios-usb, or uefi-usb for an image without a BIOS path. */
    public static BootMode defaultMode(Path image) {
        org.nixusb.arch.ImageArchitectures archs = ImageBootChecks.architectures(image);
        return archs != null && archs.nonX86Only() ? BootMode.UEFI_USB : BootMode.BIOS_USB;
    }

    public BootResult boot(Settings s) throws BadInputException, IOException {
        if (!Files.exists(s.image()) || Files.isDirectory(s.image())) {
            throw new BadInputException(s.image(), "the image to boot does not exist",
                    "Remaster an image first, or set the image option to an existing one").option("image");
        }
        GuestArch machine = ImageBootChecks.machineFor(s.image(), s.mode(), s.arch());
        if (s.arch() == null && machine != GuestArch.X86_64) {
            log.info(s.mode().id() + ": the image's UEFI loaders are for " + machine.efi().id() + ": booting on the "
                    + machine.id() + " machine (nixusb.boot.arch=auto)");
        }
        s = s.on(machine);
        Path qemu = findQemu(machine.qemuFor(s.qemu()));
        String cacheKey = null;
        String cacheFacts = null;
        if (s.cache() != null) {
            cacheFacts = BootCache.describe(s, qemu, s.mode().uefi() ? Ovmf.find(s.ovmfCode(), s.ovmfVars(),
                    s.mode().secure(), machine) : null);
            cacheKey = BootCache.key(cacheFacts);
            BootResult kept = s.force() ? null : s.cache().lookup(cacheKey, s);
            if (kept != null) {
                log.info(String.format("%s: reused the result of %s for %s (boot cache %s, key %s: the same image, "
                        + "mode, machine, QEMU, firmware, stick, expect and script; -Dnixusb.boot.force=true boots "
                        + "again)", s.mode().id(), kept.reusedFrom(), s.image().getFileName(), s.cache().directory(),
                        cacheKey.substring(0, 12)));
                return kept;
            }
        }
        boolean needsSmm = s.mode().secure() || machine == GuestArch.IA32;
        String accel = machine.kvmOn(System.getProperty("os.arch")) ? Kvm.accelerators(s.accelerator(), qemu, log,
                needsSmm) : emulated(s, machine);
        Files.createDirectories(s.log().toAbsolutePath().getParent());
        if (s.mode().uefiStick() && s.stick().layoutCheck()) {
            List<String> problems = UefiStickCheck.uefiUsbProblems(s.image());
            if (!problems.isEmpty()) {
                Files.writeString(s.log(), "nixusb: layout check failed, not booted: " + problems + "\n");
                return new BootResult(s.mode(), false, "the image is not laid out for UEFI USB boot ("
                        + String.join("; ", problems) + "); QEMU's OVMF may boot it anyway, real firmware does not have to",
                        0, s.log(), List.of(), "none", null);
            }
            log.info("UEFI USB layout: 0xEF MBR slot and both GPT copies over the EFI image, CRCs valid");
        }
        if (s.mode().secure()) {
            warnOfRefusedChain(s);
        }
        // the overlay stays beside the serial log, so that the command in the report reruns the same boot
        Path disk = s.mode().disk() ? VirtualStick.create(s, log) : s.mode().fatCopy() ? FatCopyStick.create(s, log)
                : s.mode().loopback() ? LoopbackStick.create(s, log) : null;
        BootResult r = attempt(s, qemu, accel, disk);
        boolean auto = s.accelerator() == null || s.accelerator() == Accelerator.AUTO;
        if (!r.passed() && accel.startsWith("kvm") && auto && Kvm.NO_SMM.matcher(r.reason()).find()) {
            Kvm.markNoSmm(qemu);
            log.warn(s.mode().id() + ": KVM on this machine cannot emulate System Management Mode, which the "
                    + (s.mode().secure() ? "Secure Boot" : "32-bit UEFI") + " firmware needs (" + r.reason() + "); booting again in software emulation, and so does "
                    + "every later boot of this build that needs it");
            r = attempt(s, qemu, "tcg", disk);
        } else if (!r.passed() && accel.startsWith("kvm") && auto && Kvm.BROKEN.matcher(r.reason()).find()) {
            Kvm.markBroken(qemu);
            log.warn("KVM does not work on this machine (" + r.reason() + "); booting again in software "
                    + "emulation, and so does every later boot of this build");
            r = attempt(s, qemu, "tcg", disk);
        }
        if (disk != null) {
            VirtualStick.reportPartitionTable(s, log);
        }
        if (cacheKey != null && r.passed()) {
            try {
                s.cache().store(cacheKey, cacheFacts, r, java.time.Instant.now());
            } catch (IOException e) {
                log.warn(s.mode().id() + ": the boot passed but could not be kept in the boot cache "
                        + s.cache().directory() + " (" + e.getMessage() + "); the next build boots again");
            }
        }
        return r;
    }

    /** Says before a secure boot which chain program the firmware will refuse: unsigned, or revoked by what it holds. */
    private void warnOfRefusedChain(Settings s) throws IOException, BadInputException {
        String unsigned = ImageBootChecks.unsignedLoaders(s.image());
        if (unsigned != null) {
            log.warn(s.mode().id() + ": " + unsigned + ": Secure Boot firmware refuses to run it (Access Denied). "
                    + "A loader nixusb created (efi=create) is unsigned; keep the source's signed shim with efi=keep");
        }
        String revoked = ImageBootChecks.revokedLoaders(s.image(), s.secureVariables().level(),
                s.secureVariables().addedDbx());
        if (revoked != null) {
            log.warn(s.mode().id() + ": revoked by what this boot's firmware holds: " + revoked
                    + ": shim refuses to start it (\"Verification failed: (0x1A) Security Violation\", or for shim "
                    + "itself \"SBAT self-check failed\"). Take a newer shim and GRUB from the distribution; "
                    + "sbatLevel=shim and dbx=firmware boot it as a PC that never applied these revocations does");
        }
    }

    /** The accelerator for a machine KVM cannot run here (an arm64 guest on an x86 host): software emulation. */
    private String emulated(Settings s, GuestArch machine) throws BadInputException {
        if (s.accelerator() == Accelerator.KVM) {
            throw new BadInputException(s.image(), "accel=kvm, but KVM cannot run an " + machine.id() + " machine on "
                    + "this " + System.getProperty("os.arch") + " host", "Set the accel option to auto or tcg")
                    .option("accel");
        }
        return "tcg";
    }

    private BootResult attempt(Settings s, Path qemu, String accel, Path disk) throws IOException, BadInputException {
        Path[] firmware = s.mode().uefi() ? firmwareCopy(s) : null;
        // short (a socket path has 108 bytes) and private; named after this JVM, so its leftovers are its own
        Path qmpDir = Files.createTempDirectory(QMP_PREFIX + ProcessHandle.current().pid() + "-");
        Path qmpSocket = qmpDir.resolve("qmp.sock");
        List<String> cmd = new ArrayList<>(command(s, qemu, accel, firmware, disk));
        cmd.addAll(List.of("-qmp", "unix:" + qmpSocket + ",server=on,wait=off"));
        log.info(String.format("Booting %s as %s%s in QEMU (%s, %s, %d MiB%s), waiting up to %d s for /%s/; serial log %s",
                s.image().getFileName(), s.mode().id(), arch(s) == GuestArch.X86_64 ? "" : " on " + arch(s).id(), qemu, accel.equals("tcg") ? "software emulation" : "KVM",
                s.memoryMiB(), firmware == null ? "" : ", firmware " + firmware[0], s.timeout().toSeconds(),
                s.expect().pattern(), s.log()));
        log.debug("qemu command: " + String.join(" ", cmd));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(
                ProcessBuilder.Redirect.PIPE);
        long start = System.nanoTime();
        Process p = pb.start();
        Thread hook = new Thread(() -> kill(p), "nixusb-qemu-killer");
        Runtime.getRuntime().addShutdownHook(hook);
        String kvmFailures = Kvm.BROKEN.pattern() + "|" + Kvm.NO_SMM.pattern();
        Pattern fail = Pattern.compile(s.fail() == null ? kvmFailures : "(?:" + s.fail().pattern() + ")|" + kvmFailures);
        ConsoleWatcher watcher = new ConsoleWatcher(p.getInputStream(), s.log(), s.expect(), fail);
        Thread reader = new Thread(watcher, "nixusb-qemu-console");
        reader.setDaemon(true);
        reader.start();
        Watch watch = new Watch(s, p, watcher, reader, fail, qmpSocket, start);
        try {
            watch.untilDone();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watch.verdict = "interrupted";
        } finally {
            watch.stop();
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
        return new BootResult(s.mode(), watch.passed, watch.verdict, millis, s.log(), cmd, accel,
                watch.shots.lastShot(), watch.steps);
    }

    /** OVMF's code and a writable copy of its variables beside the log, for one boot. */
    /**
     * The firmware code and the boot's own copy of the variable store template; for a secure mode, with the SBAT
     * level, dbx and MOK of {@link Settings#secureVariables()} written into it (logged).
     */
    private Path[] firmwareCopy(Settings s) throws IOException, BadInputException {
        Path[] ovmf = Ovmf.find(s.ovmfCode(), s.ovmfVars(), s.mode().secure(), arch(s));
        Path vars = s.log().resolveSibling(s.log().getFileName().toString().replaceAll("\\.log$", "")
                + "-ovmf-vars.fd");
        if (s.mode().secure() && !s.secureVariables().writesNothing()) {
            VariableStore template = VariableStore.read(Files.readAllBytes(ovmf[1]), ovmf[1]);
            SecureBootVariables.Applied applied = s.secureVariables().apply(template, ovmf[1]);
            if (applied.store().used() > applied.store().capacity()) {
                throw new BadInputException(ovmf[1], "has no room for the Secure Boot variables ("
                        + applied.store().used() + " bytes needed, " + applied.store().capacity() + " there)",
                        "give fewer MOK certificates or a smaller dbx, or a larger variable store");
            }
            Files.write(vars, applied.store().write());
            log.info(s.mode().id() + ": firmware variables " + vars.getFileName() + " from " + ovmf[1] + ": "
                    + String.join("; ", applied.lines()));
        } else {
            Files.copy(ovmf[1], vars, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            if (s.mode().secure()) {
                log.info(s.mode().id() + ": firmware variables " + vars.getFileName() + " from " + ovmf[1]
                        + ": as it is (sbatLevel=shim: no SbatLevel written, the image's shim writes its own on its "
                        + "first start; dbx as it holds it; no MOK)");
            }
        }
        vars.toFile().setWritable(true);
        return new Path[] {ovmf[0], vars};
    }

    /** One running machine watched until its console passes, fails, it exits or time runs out. */
    private final class Watch {
        final Settings s;
        final Process p;
        final ConsoleWatcher watcher;
        final Thread reader;
        final Pattern fail;
        final Path qmpSocket;
        final long start;
        final Screenshots shots;
        QmpClient qmp;
        String verdict;
        boolean passed;
        List<ScriptRunner.StepResult> steps = List.of();

        Watch(Settings s, Process p, ConsoleWatcher watcher, Thread reader, Pattern fail, Path qmpSocket, long start) {
            this.s = s;
            this.p = p;
            this.watcher = watcher;
            this.reader = reader;
            this.fail = fail;
            this.qmpSocket = qmpSocket;
            this.start = start;
            this.shots = new Screenshots(s.log());
        }

        void untilDone() throws InterruptedException {
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
                    decided();
                    return;
                }
                if (!p.isAlive()) {
                    exited();
                    return;
                }
                long now = System.nanoTime();
                if (now > deadline) {
                    verdict = "timed out after " + s.timeout().toSeconds() + " s without the expected output"
                            + lastLines(watcher);
                    return;
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
        }

        /** The console decided: the script runs after a pass. */
        private void decided() throws InterruptedException {
            passed = watcher.outcome;
            verdict = watcher.detail;
            if (passed && s.script() != null) {
                steps = runScript(s.script(), watcher, p, fail);
                ScriptRunner.StepResult bad = steps.stream().filter(r -> r.status() == ScriptRunner.Status.FAILED)
                        .findFirst().orElse(null);
                passed = bad == null;
                verdict = bad == null ? verdict + "; all " + steps.size() + " script steps passed"
                        : "script step '" + bad.step().name() + "' (line " + bad.step().line() + ") failed: "
                                + bad.message();
            }
        }

        /** QEMU exited: what the console said last decides, else the exit. */
        private void exited() throws InterruptedException {
            reader.join(2000);
            if (watcher.outcome != null) {
                passed = watcher.outcome;
                verdict = watcher.detail;
            } else {
                verdict = "qemu exited with code " + p.exitValue() + " before the expected output appeared"
                        + lastLines(watcher);
            }
        }

        /** The last screenshot, then QEMU asked to quit. */
        void stop() {
            if (qmp == null && p.isAlive() && Files.exists(qmpSocket)) {
                qmp = tryQmp(qmpSocket);
            }
            if (qmp == null) {
                return;
            }
            shots.last(qmp);
            try {
                qmp.quit();
            } catch (IOException alreadyGone) {
                // killed anyway
            }
            try {
                qmp.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** Runs the console steps on the machine whose expected text just appeared, from where that text ended. */
    private List<ScriptRunner.StepResult> runScript(ConsoleScript script, ConsoleWatcher watcher, Process p,
            Pattern fail) throws InterruptedException {
        ScriptRunner.Console console = new ProcessConsole(watcher, p);
        List<ScriptRunner.StepResult> results = new ScriptRunner(console, fail,
                ScriptRunner.DEFAULT_STEP_TIMEOUT).run(script, watcher.expectEnd);
        for (ScriptRunner.StepResult r : results) {
            if (r.status() != ScriptRunner.Status.NOT_RUN) {
                log.info(String.format("  step '%s' %s in %.1f s: %s", r.step().name(), r.passed() ? "passed"
                        : "FAILED", r.millis() / 1000.0, r.message()));
            }
        }
        return results;
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
}
