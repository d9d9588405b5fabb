package org.nixusb.qemu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Steps a boot runs on the serial console after its {@code expect} matched: one step a line.
 *
 * <pre>
 * expect login:                      wait for a regular expression
 * send root                          type the text and Enter (\n \r \t \\ and ^C-style control keys work)
 * keys ^C                            type the text without Enter
 * run uname -m =&gt; aarch64|x86_64     run a command in the console's shell: exit status 0, output matching
 * run! test -f /nonexistent          the same, but the command must fail (a non-zero exit status)
 * poweroff                           type "poweroff" (or the command given) and wait for the machine to stop
 * </pre>
 *
 * A step may start with a name in brackets ({@code [medium is the stick] run test -f /mnt/release.txt}) and end with
 * its own timeout ({@code @120s}); {@code #} starts a comment line. Unnamed steps are named by their line.
 */
public record ConsoleScript(List<Step> steps) {
    /** What a step does. */
    public enum Kind {
        EXPECT, SEND, KEYS, RUN, RUN_FAILS, POWEROFF
    }

    /**
     * One step.
     *
     * @param text the regex (expect), the keys (send, keys), the command (run, poweroff)
     * @param output for run: a regex the output must contain, or null
     * @param timeout the step's own limit, or null for the default
     * @param line the line in the script (1-based)
     */
    public record Step(String name, Kind kind, String text, Pattern output, Duration timeout, int line) {
        /** The pattern an expect step waits for. */
        public Pattern pattern() {
            return Pattern.compile(text);
        }
    }

    /** A script that cannot be read: names the line and what is wrong. */
    public static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    private static final Pattern NAME = Pattern.compile("^\\[([^\\]]+)\\]\\s*");
    private static final Pattern TIMEOUT = Pattern.compile("\\s+@(\\d+)(s|m)?$");

    /** The steps every message about a script's syntax lists. */
    public static final String GRAMMAR = "A step is one of: expect REGEX, send TEXT, keys TEXT, run COMMAND [=> REGEX], "
            + "run! COMMAND, poweroff [COMMAND]; optionally [name] before it and @60s after it";

    /**
     * The script a {@code script} option names: a one-line value that names an existing file (relative to
     * {@code baseDir} unless absolute) is read from it; any other value is the steps themselves; blank or {@code none}
     * is no script (null). A one-line value that is neither a file nor a valid step is refused naming both.
     *
     * @param baseDir where relative file names start, or null for the working directory
     */
    public static ConsoleScript resolve(String value, java.nio.file.Path baseDir) throws org.nixusb.BadInputException {
        if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("none")) {
            return null;
        }
        String text = value.strip();
        java.nio.file.Path file = null;
        if (!text.contains("\n")) {
            try {
                java.nio.file.Path p = java.nio.file.Path.of(text);
                file = p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
            } catch (java.nio.file.InvalidPathException notAPath) {
                file = null;
            }
        }
        if (file != null && java.nio.file.Files.isRegularFile(file)) {
            try {
                return parse(java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new org.nixusb.BadInputException(file, "the console script cannot be read (" + e.getMessage()
                        + ")", "Make it readable").option("script");
            } catch (SyntaxError e) {
                throw new org.nixusb.BadInputException(file, "the console script, " + e.getMessage(), GRAMMAR)
                        .option("script");
            }
        }
        try {
            return parse(text);
        } catch (SyntaxError e) {
            String problem = file != null ? "the console script names no file (there is no " + file + ") and is not "
                    + "a step either (" + e.getMessage() + ")" : "the console script, " + e.getMessage();
            throw new org.nixusb.BadInputException(file != null ? text : "the console script's steps", problem,
                    file != null ? "Create the file, or write the steps themselves. " + GRAMMAR : GRAMMAR, null)
                    .option("script");
        }
    }

    public static ConsoleScript parse(String text) throws SyntaxError {
        List<Step> steps = new ArrayList<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String name = null;
            Matcher n = NAME.matcher(line);
            if (n.find()) {
                name = n.group(1).strip();
                line = line.substring(n.end());
            }
            Duration timeout = null;
            Matcher t = TIMEOUT.matcher(line);
            if (t.find()) {
                long v = Long.parseLong(t.group(1));
                timeout = "m".equals(t.group(2)) ? Duration.ofMinutes(v) : Duration.ofSeconds(v);
                if (timeout.isZero()) {
                    throw new SyntaxError(number, "a timeout of 0");
                }
                line = line.substring(0, t.start());
            }
            int space = line.indexOf(' ');
            String verb = (space < 0 ? line : line.substring(0, space)).toLowerCase(Locale.ROOT);
            String rest = space < 0 ? "" : line.substring(space + 1).strip();
            String shown = name != null ? name : line;
            switch (verb) {
                case "expect" -> {
                    need(number, verb, rest, "a regular expression");
                    regex(number, rest);
                    steps.add(new Step(shown, Kind.EXPECT, rest, null, timeout, number));
                }
                case "send", "keys" -> {
                    if (verb.equals("keys")) {
                        need(number, verb, rest, "the keys to type");
                    }
                    String keys = keys(number, rest) + (verb.equals("send") ? "\n" : "");
                    steps.add(new Step(shown, verb.equals("send") ? Kind.SEND : Kind.KEYS, keys, null, timeout,
                            number));
                }
                case "run", "run!" -> {
                    String command = rest;
                    Pattern output = null;
                    int arrow = rest.lastIndexOf("=>");
                    if (arrow >= 0) {
                        command = rest.substring(0, arrow).strip();
                        String want = rest.substring(arrow + 2).strip();
                        need(number, verb + " ... =>", want, "a regular expression for the output");
                        output = regex(number, want);
                    }
                    need(number, verb, command, "a command");
                    if (command.contains("\n")) {
                        throw new SyntaxError(number, "a command on one line");
                    }
                    steps.add(new Step(shown, verb.equals("run") ? Kind.RUN : Kind.RUN_FAILS, command, output,
                            timeout, number));
                }
                case "poweroff" -> steps.add(new Step(shown, Kind.POWEROFF, rest.isEmpty() ? "poweroff" : rest, null,
                        timeout, number));
                default -> throw new SyntaxError(number, "unknown step '" + verb + "' (known: expect, send, keys, "
                        + "run, run!, poweroff)");
            }
        }
        if (steps.isEmpty()) {
            throw new SyntaxError(1, "no steps");
        }
        return new ConsoleScript(List.copyOf(steps));
    }

    private static void need(int line, String verb, String value, String what) throws SyntaxError {
        if (value.isEmpty()) {
            throw new SyntaxError(line, "'" + verb + "' needs " + what);
        }
    }

    private static Pattern regex(int line, String s) throws SyntaxError {
        try {
            return Pattern.compile(s);
        } catch (PatternSyntaxException e) {
            throw new SyntaxError(line, "not a regular expression: " + e.getDescription() + " in '" + s + "'");
        }
    }

    /** The keys a text stands for: {@code \n \r \t \\ \^}, and {@code ^C} (any letter, @, [, \, ], ^, _) for Ctrl. */
    static String keys(int line, String s) throws SyntaxError {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case '\\' -> b.append('\\');
                    case '^' -> b.append('^');
                    default -> throw new SyntaxError(line, "unknown escape \\" + e + " (known: \\n \\r \\t \\\\ \\^)");
                }
            } else if (c == '^' && i + 1 < s.length()) {
                char k = Character.toUpperCase(s.charAt(++i));
                if (k < '@' || k > '_') {
                    throw new SyntaxError(line, "^" + s.charAt(i) + " is no control key (^A to ^Z, ^@, ^[, ^\\, ^], "
                            + "^^, ^_; \\^ types a caret)");
                }
                b.append((char) (k - '@'));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
