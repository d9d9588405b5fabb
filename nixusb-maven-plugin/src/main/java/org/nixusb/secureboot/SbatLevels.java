package org.nixusb.secureboot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.pe.Sbat;

/**
 * The SBAT revocation levels a PC may hold in its {@code SbatLevel} variable, oldest first: the payloads shim
 * publishes, pinned in the plugin ({@code sbat-levels.txt}) or read from a user's newer file of the same format. A
 * level revokes a program when the program names one of the level's components with a lower generation.
 */
public final class SbatLevels {
    private static final String PINNED = "/org/nixusb/secureboot/sbat-levels.txt";

    /**
     * One level.
     *
     * @param name who applies it ({@code shim-2024-01 (Windows KB5041585, August 2024)})
     * @param date its date stamp ({@code 2024010900})
     * @param revocations its {@code component,generation} lines
     */
    public record Level(String name, String date, List<Sbat.Entry> revocations) {
        /**
         * The first revocation of this level that refuses {@code program}, as {@code grub,4 < grub,5}, or null when
         * the level lets it run.
         */
        public String refusal(Sbat program) {
            for (Sbat.Entry r : revocations) {
                int has = program.generation(r.component());
                if (has >= 0 && has < r.generation()) {
                    return r.component() + "," + has + " < " + r.level();
                }
            }
            return null;
        }

        /** The {@code SbatLevel} variable's data for this level, as shim writes it (no terminating NUL). */
        public String payload() {
            StringBuilder sb = new StringBuilder("sbat,1,").append(date).append('\n');
            revocations.forEach(r -> sb.append(r.component()).append(',').append(r.generation()).append('\n'));
            return sb.toString();
        }

        /** {@code 2025051000 (shim,4 grub,5)}. */
        public String describe() {
            StringBuilder sb = new StringBuilder(date).append(" (");
            revocations.forEach(r -> sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : " ").append(r.component())
                    .append(',').append(r.generation()));
            return sb.append(')').toString();
        }
    }

    private SbatLevels() {
    }

    /** The levels pinned in the plugin. */
    public static List<Level> pinned() {
        try (InputStream in = SbatLevels.class.getResourceAsStream(PINNED)) {
            if (in == null) {
                throw new IllegalStateException(PINNED + " is missing from the plugin");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), PINNED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (BadInputException e) {
            throw new IllegalStateException("the pinned SBAT levels are damaged: " + e.getMessage(), e);
        }
    }

    /** The levels of a user's file (the pinned file's format). */
    public static List<Level> read(Path file) throws IOException, BadInputException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * The levels a shim carries in its {@code .sbatlevel} section (shim 15.7 and later): the one it writes itself on
     * a PC that holds an older one ({@code previous}, shim's "automatic"), then the one it writes when the PC's
     * policy asks for the latest. Empty when the program has no such section or it is damaged.
     */
    public static List<Level> embedded(byte[] program) {
        byte[] s = org.nixusb.pe.PeImage.section(program, ".sbatlevel");
        if (s == null || s.length < 12 || org.nixusb.binary.Bytes.u32le(s, 0) != 0) {
            return List.of();
        }
        List<Level> out = new ArrayList<>();
        String[] names = {"previous (the shim's own)", "latest (the shim's own)"};
        for (int i = 0; i < 2; i++) {
            long at = 4 + org.nixusb.binary.Bytes.u32le(s, 4 + 4 * i);
            if (at < 12 || at >= s.length) {
                return List.of();
            }
            int end = (int) at;
            while (end < s.length && s[end] != 0) {
                end++;
            }
            try {
                out.add(level(names[i], new String(s, (int) at, end - (int) at, StandardCharsets.UTF_8), "the "
                        + ".sbatlevel section"));
            } catch (BadInputException damaged) {
                return List.of();
            }
        }
        return out;
    }

    /**
     * The level before the newest: what a PC holds that ran a shim of an earlier release, or whose owner has not
     * installed the latest revocation update.
     */
    public static Level previous(List<Level> levels) {
        return levels.get(Math.max(0, levels.size() - 2));
    }

    /** The newest level: what an up-to-date PC holds. */
    public static Level latest(List<Level> levels) {
        return levels.get(levels.size() - 1);
    }

    static List<Level> parse(String text, String where) throws BadInputException {
        List<Level> out = new ArrayList<>();
        String name = null;
        StringBuilder payload = new StringBuilder();
        int number = 0;
        if (text.strip().startsWith("sbat,")) {
            // one bare payload, as shim's SbatLevel_Variable.txt and the variable itself hold it
            return List.of(level(Path.of(where).getFileName().toString(), text.strip() + "\n", where));
        }
        for (String raw : (text + "\n\n").split("\n", -1)) {
            number++;
            String line = raw.strip();
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("level ")) {
                name = line.substring(6).strip();
                payload.setLength(0);
            } else if (!line.isEmpty()) {
                if (name == null) {
                    throw new BadInputException(Path.of(where), "line " + number + " comes before any 'level NAME' "
                            + "line", "Start each level with 'level NAME', as the plugin's sbat-levels.txt does");
                }
                payload.append(line).append('\n');
            } else if (name != null) {
                out.add(level(name, payload.toString(), where));
                name = null;
            }
        }
        if (out.isEmpty()) {
            throw new BadInputException(Path.of(where), "names no SBAT level", "Give it the levels in the format of the "
                    + "plugin's sbat-levels.txt");
        }
        return List.copyOf(out);
    }

    private static Level level(String name, String payload, String where) throws BadInputException {
        Sbat s = Sbat.parse(payload.getBytes(StandardCharsets.UTF_8));
        if (!s.problems().isEmpty() || s.entries().isEmpty() || !s.entries().get(0).component().equals("sbat")) {
            throw new BadInputException(Path.of(where), "the level '" + name + "' is no SbatLevel payload (it must "
                    + "start with sbat,1,DATE and list component,generation lines" + (s.problems().isEmpty() ? ""
                    : ": " + String.join("; ", s.problems())) + ")", "Copy the payload from shim's "
                    + "SbatLevel_Variable.txt");
        }
        Sbat.Entry head = s.entries().get(0);
        return new Level(name, head.vendor(), s.entries().subList(1, s.entries().size()));
    }
}
