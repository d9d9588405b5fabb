package org.nixusb.pe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An EFI program's SBAT data: the {@code .sbat} section's CSV, one component a line (name, generation, vendor
 * name, vendor package, vendor version, URL), the first line {@code sbat,1,...} naming the format. Shim and the
 * firmware refuse a program whose generation of a component is below the one their {@code SbatLevel} names.
 *
 * @param entries the components, in order (the {@code sbat} line first when present)
 * @param problems what could not be read (a line without a generation, a generation that is no number), one each
 */
public record Sbat(List<Entry> entries, List<String> problems) {

    /**
     * One component line.
     *
     * @param component e.g. {@code shim}, {@code grub}, {@code grub.debian}
     * @param generation its security generation
     */
    public record Entry(String component, int generation, String vendor, String vendorPackage, String version,
            String url) {
        /** {@code component,generation}, as revocation levels spell it. */
        public String level() {
            return component + "," + generation;
        }
    }

    /** The program's SBAT, or null when it has no {@code .sbat} section. */
    public static Sbat of(byte[] program) {
        byte[] section = PeImage.section(program, ".sbat");
        return section == null ? null : parse(section);
    }

    /** Parses a {@code .sbat} section: text up to the first NUL byte (the section is padded with zeros). */
    public static Sbat parse(byte[] section) {
        int end = 0;
        while (end < section.length && section[end] != 0) {
            end++;
        }
        String text = new String(section, 0, end, StandardCharsets.UTF_8);
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length < 2 || f[0].isBlank()) {
                problems.add("line " + (i + 1) + " has no component and generation: '" + shorten(line) + "'");
                continue;
            }
            int generation;
            try {
                generation = Integer.parseInt(f[1].strip());
            } catch (NumberFormatException e) {
                problems.add("line " + (i + 1) + ": the generation of " + shorten(f[0].strip()) + " is not a number: '"
                        + shorten(f[1]) + "'");
                continue;
            }
            entries.add(new Entry(f[0].strip(), generation, field(f, 2), field(f, 3), field(f, 4), field(f, 5)));
        }
        return new Sbat(List.copyOf(entries), List.copyOf(problems));
    }

    /** The generation this program declares for {@code component}, or -1 when it names no such component. */
    public int generation(String component) {
        return entries.stream().filter(e -> e.component().equals(component)).mapToInt(Entry::generation).findFirst()
                .orElse(-1);
    }

    /** The components other than the format line, as {@code component,generation} (for reports). */
    public List<String> levels() {
        return entries.stream().filter(e -> !e.component().equals("sbat")).map(Entry::level).toList();
    }

    private static String field(String[] f, int i) {
        return i < f.length ? f[i].strip() : "";
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
