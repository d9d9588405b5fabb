package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConsoleScriptTest {
    /** A script option is a file (relative to the project), the steps themselves, or none; never a guess. */
    @Test
    void aScriptOptionIsAFileTheStepsOrNone() throws Exception {
        java.nio.file.Path dir = org.nixusb.testing.HostTools.workDir("console-script-option");
        java.nio.file.Files.createDirectories(dir.resolve("scripts"));
        java.nio.file.Files.writeString(dir.resolve("scripts/smoke.steps"), "expect login:\nsend root\n");
        assertEquals(2, ConsoleScript.resolve("scripts/smoke.steps", dir).steps().size(), "a file, relative");
        assertEquals(2, ConsoleScript.resolve(dir.resolve("scripts/smoke.steps").toString(), null).steps().size());
        assertEquals(1, ConsoleScript.resolve("run uname -m => x86_64", dir).steps().size(), "one step inline");
        assertEquals(2, ConsoleScript.resolve("expect a\nsend b", dir).steps().size(), "steps inline");
        assertNull(ConsoleScript.resolve(" none ", dir));
        assertNull(ConsoleScript.resolve("", dir));
        org.nixusb.BadInputException missing = assertThrows(org.nixusb.BadInputException.class,
                () -> ConsoleScript.resolve("scripts/gone.steps", dir));
        assertTrue(missing.getMessage().contains("there is no " + dir.resolve("scripts/gone.steps"))
                && missing.getMessage().contains("is not a step") && missing.options().contains("script"),
                missing.getMessage());
        java.nio.file.Files.writeString(dir.resolve("bad.steps"), "expect ok\nfrobnicate\n");
        org.nixusb.BadInputException bad = assertThrows(org.nixusb.BadInputException.class,
                () -> ConsoleScript.resolve("bad.steps", dir));
        assertTrue(bad.getMessage().startsWith(dir.resolve("bad.steps") + ": the console script, line 2"),
                bad.getMessage());
    }

    @Test
    void readsEveryKindOfStepWithNamesAndTimeouts() throws Exception {
        ConsoleScript s = ConsoleScript.parse("""
                # smoke test
                expect login:
                send root
                [machine] run uname -m => aarch64|x86_64
                run! test -f /nonexistent @5s
                keys ^C\\n
                run systemctl is-system-running --wait => running|degraded @3m

                poweroff
                """);
        List<ConsoleScript.Step> st = s.steps();
        assertEquals(7, st.size());
        assertEquals(ConsoleScript.Kind.EXPECT, st.get(0).kind());
        assertEquals("login:", st.get(0).text());
        assertEquals(2, st.get(0).line());
        assertEquals("root\n", st.get(1).text());
        assertEquals("machine", st.get(2).name());
        assertEquals("uname -m", st.get(2).text());
        assertTrue(st.get(2).output().matcher("x86_64").find());
        assertEquals(ConsoleScript.Kind.RUN_FAILS, st.get(3).kind());
        assertEquals(Duration.ofSeconds(5), st.get(3).timeout());
        assertNull(st.get(3).output());
        assertEquals("\u0003\n", st.get(4).text());
        assertEquals(Duration.ofMinutes(3), st.get(5).timeout());
        assertEquals("systemctl is-system-running --wait", st.get(5).text());
        assertEquals(ConsoleScript.Kind.POWEROFF, st.get(6).kind());
        assertEquals("poweroff", st.get(6).text());
        assertEquals(9, st.get(6).line());
    }

    @Test
    void badScriptsNameTheLineAndTheProblem() {
        assertEquals("line 2: unknown step 'wait' (known: expect, send, keys, run, run!, poweroff)",
                assertThrows(ConsoleScript.SyntaxError.class, () -> ConsoleScript.parse("send x\nwait 5")).getMessage());
        assertTrue(assertThrows(ConsoleScript.SyntaxError.class, () -> ConsoleScript.parse("expect ([")).getMessage()
                .startsWith("line 1: not a regular expression"));
        assertTrue(assertThrows(ConsoleScript.SyntaxError.class, () -> ConsoleScript.parse("run => x")).getMessage()
                .contains("needs a command"));
        assertTrue(assertThrows(ConsoleScript.SyntaxError.class, () -> ConsoleScript.parse("keys ^1")).getMessage()
                .contains("no control key"));
        assertTrue(assertThrows(ConsoleScript.SyntaxError.class, () -> ConsoleScript.parse("# only\n\n")).getMessage()
                .contains("no steps"));
    }
}
