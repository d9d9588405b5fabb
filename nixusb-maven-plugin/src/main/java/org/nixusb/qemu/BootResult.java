package org.nixusb.qemu;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of one boot.
 *
 * @param mode how the image was attached
 * @param passed true when the expected output appeared
 * @param reason one line: what matched, or why it failed
 * @param millis time from starting qemu to the verdict
 * @param log the serial console log
 * @param command the full qemu command line
 * @param accelerator the accelerators asked for ("kvm:tcg" or "tcg")
 * @param screenshot a PNG of the screen at the verdict, or null
 * @param steps how each console script step went (empty without a script)
 * @param reusedFrom when the boot whose result this is ran, for a result the {@link BootCache} gave; null for a boot
 *     that ran now
 */
public record BootResult(BootMode mode, boolean passed, String reason, long millis, Path log, List<String> command,
        String accelerator, Path screenshot, List<ScriptRunner.StepResult> steps, java.time.Instant reusedFrom) {

    public BootResult(BootMode mode, boolean passed, String reason, long millis, Path log, List<String> command,
            String accelerator, Path screenshot, List<ScriptRunner.StepResult> steps) {
        this(mode, passed, reason, millis, log, command, accelerator, screenshot, steps, null);
    }

    public BootResult(BootMode mode, boolean passed, String reason, long millis, Path log, List<String> command,
            String accelerator, Path screenshot) {
        this(mode, passed, reason, millis, log, command, accelerator, screenshot, List.of());
    }
}
