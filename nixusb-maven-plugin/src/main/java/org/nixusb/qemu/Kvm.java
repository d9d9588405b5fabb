package org.nixusb.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.nixusb.BuildLog;
import org.nixusb.HostPaths;

/**
 * Whether QEMU can use KVM on this machine: {@code /dev/kvm} must be usable, and a paused qemu with KVM
 * must come up (some hosts have the device but fail every guest). Probed once per qemu binary and JVM (one
 * build); a boot that still hits a KVM failure drops KVM for the rest of the build.
 */
final class Kvm {
    /** What qemu prints when KVM exists but cannot run the guest. */
    static final Pattern BROKEN = Pattern.compile(
            "KVM internal error|failed to initialize kvm|Could not access KVM kernel module|kvm run failed");

    /**
     * What qemu prints when KVM runs guests but cannot emulate System Management Mode, which the Secure Boot
     * firmware needs ({@code -machine smm=on}): nested virtual machines, as CI runners often are. qemu exits at
     * once instead of falling back to software emulation.
     */
    static final Pattern NO_SMM = Pattern.compile("System Management Mode not supported by this hypervisor");

    /** verdicts by qemu binary */
    private static final Map<Path, Boolean> WORKS = new ConcurrentHashMap<>();
    /** qemu binaries whose KVM was found without System Management Mode */
    private static final Map<Path, Boolean> NO_SMM_SEEN = new ConcurrentHashMap<>();

    private Kvm() {
    }

    /** True when KVM can be opened by this user. */
    static boolean deviceUsable() {
        Path kvm = HostPaths.of("/dev/kvm");
        return Files.isReadable(kvm) && Files.isWritable(kvm);
    }

    /**
     * The {@code -accel} list for qemu: {@code kvm:tcg} (KVM, falling back), {@code kvm} or {@code tcg}.
     *
     * @param needsSmm whether the boot needs System Management Mode (the Secure Boot modes)
     */
    static String accelerators(Accelerator wanted, Path qemu, BuildLog log, boolean needsSmm) {
        return switch (wanted == null ? Accelerator.AUTO : wanted) {
            case KVM -> "kvm";
            case TCG -> "tcg";
            case AUTO -> deviceUsable() && !(needsSmm && NO_SMM_SEEN.containsKey(qemu))
                    && WORKS.computeIfAbsent(qemu, q -> probe(q, log)) ? "kvm:tcg" : "tcg";
        };
    }

    /** Records that this qemu's KVM has no System Management Mode: later secure boots of the build use software. */
    static void markNoSmm(Path qemu) {
        NO_SMM_SEEN.put(qemu, true);
    }

    /** Records that a boot with this qemu hit a KVM failure: later boots of the build use software emulation. */
    static void markBroken(Path qemu) {
        WORKS.put(qemu, false);
    }

    /** Starts qemu with KVM, paused, and sees whether it comes up. */
    private static boolean probe(Path qemu, BuildLog log) {
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(qemu.toString(), "-accel", "kvm", "-machine", "pc", "-nodefaults",
                    "-no-user-config", "-display", "none", "-S", "-monitor", "none", "-serial", "none")
                    .redirectErrorStream(true).start();
            boolean exited = p.waitFor(2, TimeUnit.SECONDS);
            String out = exited ? new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8) : "";
            QemuBoot.kill(p);
            boolean works = !exited || (p.exitValue() == 0 && !BROKEN.matcher(out).find());
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
}
