package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/**
 * The marker protocol of {@code run} steps against a real shell on a real terminal (util-linux {@code script} gives
 * {@code sh} a pseudo-terminal: it echoes what is typed, ends lines with CR LF and prints prompts), and against a
 * simulated serial console that wraps the echo, colours its prompt and interleaves kernel messages at random points.
 */
class ScriptRunnerTest {
    /** Starts {@code sh} on a terminal, watched as QEMU's console is. */
    private static ProcessConsole shell(Path dir) throws Exception {
        Process p = new ProcessBuilder("script", "-qfec", "env PS1='nixusb$ ' sh -i", "/dev/null")
                .redirectErrorStream(true).start();
        ConsoleWatcher w = new ConsoleWatcher(p.getInputStream(), dir.resolve("console.log"), Pattern.compile("nixusb\\$"),
                null);
        Thread t = new Thread(w, "test-console");
        t.setDaemon(true);
        t.start();
        return new ProcessConsole(w, p);
    }

    @Test
    void runStepsWorkOnARealShellThatEchoes() throws Exception {
        HostTools.require("script", "sh");
        Path dir = HostTools.workDir("script-runner-shell");
        ProcessConsole c = shell(dir);
        try {
            ConsoleScript script = ConsoleScript.parse("""
                    expect nixusb\\$
                    [kernel name] run uname -s => ^Linux$
                    run echo 'NXU-S-fake'; printf 'no newline'
                    run! test -f /nonexistent/file
                    [quoting] run printf '%s|%s\\n' "a b" 'c' | tr a-z A-Z => A B\\|C
                    [many lines] run seq 1 3000 | tail -n 2 => 2999\\n3000
                    """);
            List<ScriptRunner.StepResult> r = new ScriptRunner(c, null, Duration.ofSeconds(20)).run(script, 0);
            for (ScriptRunner.StepResult s : r) {
                assertTrue(s.passed(), s.step().name() + ": " + s.message() + "\n" + s.transcript());
            }
            assertTrue(r.get(2).message().contains("exited with 0"), r.get(2).message());
            assertTrue(r.get(1).message().contains("printed \"Linux\""), r.get(1).message());
        } finally {
            c.type("exit\n");
        }
    }

    @Test
    void failingStepsNameWhatWasExpectedAndSeen() throws Exception {
        HostTools.require("script", "sh");
        Path dir = HostTools.workDir("script-runner-fail");
        for (String[] c : new String[][] {
            {"run false", "`false` exited with 1 (expected 0)"},
            {"run echo hello => goodbye", "the output of `echo hello` does not match /goodbye/; it printed \"hello\""},
            {"run! true", "`true` exited with 0 (expected a failure)"},
            {"run sleep 30 @2s", "timed out after 2 s waiting for the end of `sleep 30`"},
            {"expect never-printed @1s", "timed out after 1 s waiting for /never-printed/"},
            {"poweroff true @2s", "the machine did not stop within 2 s after \"true\""}}) {
            ProcessConsole console = shell(dir);
            try {
                ConsoleScript script = ConsoleScript.parse("expect nixusb\\$\n[the step] " + c[0] + "\nrun true\n");
                List<ScriptRunner.StepResult> r = new ScriptRunner(console, null, Duration.ofSeconds(20))
                        .run(script, 0);
                assertEquals(ScriptRunner.Status.PASSED, r.get(0).status());
                assertEquals(ScriptRunner.Status.FAILED, r.get(1).status(), c[0]);
                assertEquals("the step", r.get(1).step().name());
                assertTrue(r.get(1).message().startsWith(c[1]), c[0] + ": " + r.get(1).message());
                assertEquals(ScriptRunner.Status.NOT_RUN, r.get(2).status());
            } finally {
                console.type("\u0003exit\n");
            }
        }
        ProcessConsole console = shell(dir);
        List<ScriptRunner.StepResult> off = new ScriptRunner(console, null, Duration.ofSeconds(20)).run(
                ConsoleScript.parse("expect nixusb\\$\npoweroff exit 0"), 0);
        assertTrue(off.get(1).passed(), off.get(1).message());
        assertEquals("the machine stopped", off.get(1).message());
    }

    @Test
    void aFailurePatternEndsAStepAtOnce() throws Exception {
        HostTools.require("script", "sh");
        ProcessConsole console = shell(HostTools.workDir("script-runner-panic"));
        try {
            List<ScriptRunner.StepResult> r = new ScriptRunner(console, Pattern.compile("Kernel panic"),
                    Duration.ofSeconds(30)).run(ConsoleScript.parse("run echo Kernel' 'panic; sleep 20"), 0);
            assertEquals(ScriptRunner.Status.FAILED, r.get(0).status());
            assertTrue(r.get(0).message().contains("Kernel panic") && r.get(0).millis() < 15_000, r.get(0).message());
        } finally {
            console.type("\u0003exit\n");
        }
    }

    /**
     * A serial console that echoes with CR LF, wraps the echo at 80 columns, colours the prompt, and prints kernel
     * messages at random points, also inside a command's output; it runs the typed line as a shell would.
     */
    private static final class NoisyConsole implements ScriptRunner.Console {
        private static final Pattern LINE = Pattern.compile("printf '\\\\nNXU%s-S-%s\\\\n' '' (\\w+); \\((.*)\\); "
                + "printf '\\\\nNXU%s-E-%s:%d\\\\n' '' \\w+ \\$\\?\n");
        private final StringBuilder raw = new StringBuilder();
        private final ConsoleWatcher cleaner;
        private final StringBuilder text = new StringBuilder();
        private final Random random = new Random(7);

        NoisyConsole(Path log) throws IOException {
            cleaner = new ConsoleWatcher(java.io.InputStream.nullInputStream(), log, Pattern.compile("x"), null);
            emit("\u001b[1;32mroot@live\u001b[0m:~# ");
        }

        private void emit(String s) {
            raw.append(s);
            text.append(cleaner.clean(s));
        }

        private void kernel() {
            if (random.nextInt(3) == 0) {
                emit(String.format("[%6d.%06d] usb 1-1: new high-speed USB device number %d%n", random.nextInt(999),
                        random.nextInt(999999), random.nextInt(9)).replace("\n", "\r\n"));
            }
        }

        @Override
        public String since(long from) {
            return text.substring((int) Math.min(from, text.length()));
        }

        @Override
        public long end() {
            return text.length();
        }

        @Override
        public void type(String keys) {
            for (int i = 0; i < keys.length(); i += 80) { // the echo, wrapped
                emit(keys.substring(i, Math.min(keys.length(), i + 80)).replace("\n", "\r\n") + "\r\n");
                kernel();
            }
            Matcher m = LINE.matcher(keys);
            if (!m.matches()) {
                return;
            }
            String cmd = m.group(2);
            emit("\r\nNXU-S-" + m.group(1) + "\r\n");
            kernel();
            int status = 0;
            if (cmd.startsWith("echo ")) {
                for (String w : cmd.substring(5).split(" ")) {
                    emit(w);
                    kernel();
                    emit("\r\n");
                }
            } else if (cmd.equals("false")) {
                status = 1;
            }
            kernel();
            emit("\r\nNXU-E-" + m.group(1) + ":" + status + "\r\n");
            emit("\u001b[1;32mroot@live\u001b[0m:~# ");
        }

        @Override
        public void await(long millis) {
            // everything arrives at once
        }

        @Override
        public boolean running() {
            return true;
        }
    }

    @Test
    void markersSurviveWrappedEchoEscapesAndKernelMessages() throws Exception {
        Path dir = HostTools.workDir("script-runner-noisy");
        for (int round = 0; round < 20; round++) {
            NoisyConsole c = new NoisyConsole(dir.resolve("noisy.log"));
            List<ScriptRunner.StepResult> r = new ScriptRunner(c, null, Duration.ofSeconds(5)).run(
                    ConsoleScript.parse("""
                            expect root@live:~#
                            run echo alpha beta gamma => alpha\\n(.*\\n)?beta
                            run! false
                            run echo NXU-E-0:1 still-running => still-running
                            """), 0);
            for (ScriptRunner.StepResult s : r) {
                assertTrue(s.passed(), "round " + round + ", " + s.step().name() + ": " + s.message());
            }
        }
        Files.deleteIfExists(dir.resolve("noisy.log"));
    }
}
