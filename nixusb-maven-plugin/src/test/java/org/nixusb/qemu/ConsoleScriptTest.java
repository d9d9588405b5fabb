package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConsoleScriptTest {
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
