package org.nixusb.qemu;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a {@link ConsoleScript} on a console, step by step, each with its own time limit; the first step that fails
 * ends the script (the rest are reported as not run).
 * <p>
 * {@code run} works on any POSIX shell on the console: the command goes out as
 * {@code printf '\nNXU%s-S-%s\n' '' NONCE; (COMMAND); printf '\nNXU%s-E-%s:%d\n' '' NONCE $?}, so the markers
 * {@code NXU-S-NONCE} and {@code NXU-E-NONCE:STATUS} appear only in what the shell prints, never in the console's echo
 * of the typed line (which shows {@code NXU%s-S-%s}), and a fresh nonce per step keeps an earlier step's output out.
 * The output is the text between them, with carriage returns and terminal escapes removed; kernel messages that
 * interleave stay in it (an output regex is searched for, not matched whole).
 */
public final class ScriptRunner {
    /** A default step limit: generous for a command under software emulation. */
    public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(120);

    /** What a step sees of the machine. */
    public interface Console {
        /** The cleaned console text (no escapes, no carriage returns) from absolute offset {@code from} on. */
        String since(long from);

        /** The absolute offset of the end of the text received so far. */
        long end();

        void type(String keys) throws IOException;

        /** Waits up to {@code millis} for more text or the machine's stop. */
        void await(long millis) throws InterruptedException;

        boolean running();
    }

    /** How one step went. */
    public record StepResult(ConsoleScript.Step step, Status status, long millis, String transcript, String message) {
        public boolean passed() {
            return status == Status.PASSED;
        }
    }

    /** A step's outcome. */
    public enum Status {
        PASSED, FAILED, NOT_RUN
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Console console;
    private final Pattern fail;
    private final Duration defaultTimeout;

    /**
     * @param fail patterns that fail a step at once when the step's console text shows them, or null
     */
    public ScriptRunner(Console console, Pattern fail, Duration defaultTimeout) {
        this.console = console;
        this.fail = fail;
        this.defaultTimeout = defaultTimeout;
    }

    /**
     * Runs the steps from console offset {@code from} (where the boot's expected text ended).
     */
    public List<StepResult> run(ConsoleScript script, long from) throws InterruptedException {
        List<StepResult> results = new ArrayList<>();
        long at = from;
        boolean failed = false;
        for (ConsoleScript.Step step : script.steps()) {
            if (failed) {
                results.add(new StepResult(step, Status.NOT_RUN, 0, "", "not run: an earlier step failed"));
                continue;
            }
            long t0 = System.nanoTime();
            Outcome o = runStep(step, at);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            results.add(new StepResult(step, o.passed ? Status.PASSED : Status.FAILED, millis,
                    console.since(at), o.message));
            at = o.next;
            failed = !o.passed;
        }
        return results;
    }

    private record Outcome(boolean passed, String message, long next) {
    }

    private Outcome runStep(ConsoleScript.Step step, long from) throws InterruptedException {
        long limit = (step.timeout() != null ? step.timeout() : defaultTimeout).toMillis();
        long deadline = System.currentTimeMillis() + limit;
        try {
            switch (step.kind()) {
                case SEND, KEYS -> {
                    console.type(step.text());
                    return new Outcome(true, "typed " + shown(step.text()), console.end());
                }
                case EXPECT -> {
                    Pattern p = step.pattern();
                    while (true) {
                        String text = console.since(from);
                        Matcher m = p.matcher(text);
                        if (m.find()) {
                            return new Outcome(true, "the console printed \"" + m.group().strip() + "\"",
                                    from + m.end());
                        }
                        Outcome stop = stopped(step, text, from, deadline, limit, "/" + p.pattern() + "/");
                        if (stop != null) {
                            return stop;
                        }
                        console.await(Math.min(250, Math.max(1, deadline - System.currentTimeMillis())));
                    }
                }
                case RUN, RUN_FAILS -> {
                    return run(step, from, deadline, limit);
                }
                case POWEROFF -> {
                    console.type(step.text() + "\n");
                    while (console.running()) {
                        String text = console.since(from);
                        if (System.currentTimeMillis() > deadline) {
                            return new Outcome(false, "the machine did not stop within " + limit / 1000 + " s after \""
                                    + step.text() + "\"; last console line: " + lastLine(text), console.end());
                        }
                        console.await(Math.min(250, Math.max(1, deadline - System.currentTimeMillis())));
                    }
                    return new Outcome(true, "the machine stopped", console.end());
                }
                default -> throw new IllegalStateException(step.kind().toString());
            }
        } catch (IOException e) {
            return new Outcome(false, "cannot type on the console: " + e.getMessage(), console.end());
        }
    }

    private Outcome run(ConsoleScript.Step step, long from, long deadline, long limit) throws IOException,
            InterruptedException {
        byte[] seed = new byte[6];
        RANDOM.nextBytes(seed);
        String nonce = HexFormat.of().formatHex(seed);
        console.type(command(step.text(), nonce));
        Pattern start = Pattern.compile("NXU-S-" + nonce + "\n");
        Pattern end = Pattern.compile("\nNXU-E-" + nonce + ":(\\d+)\n");
        while (true) {
            String text = console.since(from);
            Matcher s = start.matcher(text);
            if (s.find()) {
                Matcher e = end.matcher(text);
                if (e.find(s.end())) {
                    String output = e.start() > s.end() ? text.substring(s.end(), e.start()) : "";
                    int status = Integer.parseInt(e.group(1));
                    long next = from + e.end();
                    boolean statusOk = step.kind() == ConsoleScript.Kind.RUN ? status == 0 : status != 0;
                    if (!statusOk) {
                        return new Outcome(false, "`" + step.text() + "` exited with " + status + " (expected "
                                + (step.kind() == ConsoleScript.Kind.RUN ? "0" : "a failure") + "); its output: "
                                + quote(output), next);
                    }
                    if (step.output() != null && !step.output().matcher(output).find()) {
                        return new Outcome(false, "the output of `" + step.text() + "` does not match /"
                                + step.output().pattern() + "/; it printed " + quote(output), next);
                    }
                    return new Outcome(true, "`" + step.text() + "` exited with " + status
                            + (step.output() != null ? " and printed " + quote(output) : ""), next);
                }
            }
            Outcome stop = stopped(step, text, from, deadline, limit, "the end of `" + step.text() + "`");
            if (stop != null) {
                return stop;
            }
            console.await(Math.min(250, Math.max(1, deadline - System.currentTimeMillis())));
        }
    }

    /** A failure when a fail pattern showed, the machine stopped or the time is up; else null. */
    private Outcome stopped(ConsoleScript.Step step, String text, long from, long deadline, long limit, String what) {
        if (fail != null) {
            Matcher f = fail.matcher(text);
            if (f.find()) {
                return new Outcome(false, "the console printed \"" + f.group().strip() + "\", a failure pattern",
                        console.end());
            }
        }
        if (!console.running()) {
            return new Outcome(false, "the machine stopped before " + what + " appeared; last console line: "
                    + lastLine(text), console.end());
        }
        if (System.currentTimeMillis() > deadline) {
            return new Outcome(false, "timed out after " + limit / 1000 + " s waiting for " + what
                    + "; last console line: " + lastLine(text), console.end());
        }
        return null;
    }

    /** The line typed for a {@code run} step. */
    static String command(String command, String nonce) {
        return "printf '\\nNXU%s-S-%s\\n' '' " + nonce + "; (" + command + "); printf '\\nNXU%s-E-%s:%d\\n' '' "
                + nonce + " $?\n";
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return quote(lines.length == 0 ? "" : lines[lines.length - 1]);
    }

    private static String quote(String s) {
        String t = s.strip();
        if (t.length() > 400) {
            t = "..." + t.substring(t.length() - 400);
        }
        return "\"" + t.replace("\n", "\\n") + "\"";
    }

    private static String shown(String keys) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : keys.toCharArray()) {
            if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20) {
                b.append('^').append((char) (c + '@'));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
