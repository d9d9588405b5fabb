package org.nixusb.lint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.nixusb.BadInputException;

/**
 * The lint a remaster runs on its own output, the same for every front end (the mojo and the cli jar): the output's
 * findings, and the verdict against a threshold: the findings at or over it that the source did not have too fail
 * (a source's own problems, which a kept layout keeps, are reported, and a valid input is not refused for them).
 * The front end logs {@link #summary()}, {@link #errorLines()} and {@link #keptLine()} in its own words around them.
 *
 * @param report the output's findings
 * @param failing the ids of findings at or over the threshold that the output has and its source has not
 * @param kept the ids of findings at or over the threshold that the source has too
 */
public record OutputLint(ImageLint.Report report, List<String> failing, List<String> kept) {

    /**
     * Lints {@code output} and judges it against {@code source}'s own findings.
     *
     * @param threshold the severity that fails, or null to fail on nothing
     */
    public static OutputLint judge(Path output, Path source, Severity threshold) throws IOException,
            BadInputException {
        ImageLint.Report r = ImageLint.lint(output);
        if (threshold == null || r.findings().isEmpty()) {
            return new OutputLint(r, List.of(), List.of());
        }
        ImageLint.Report before;
        try {
            before = ImageLint.lint(source);
        } catch (BadInputException | IOException | RuntimeException unreadable) {
            before = new ImageLint.Report(source, 0, List.of());
        }
        List<String> failing = r.introducedOver(before, threshold).stream().map(Finding::id).distinct().toList();
        List<String> kept = r.findings().stream().filter(f -> f.severity().reaches(threshold)
                && !failing.contains(f.id())).map(Finding::id).distinct().toList();
        return new OutputLint(r, failing, kept);
    }

    /** "Lint: no findings", or "Lint: " and each severity and id with its count ("info PARTITIONS_OVERLAP x2"). */
    public String summary() {
        if (report.findings().isEmpty()) {
            return "Lint: no findings";
        }
        Map<String, Long> counts = report.findings().stream().collect(Collectors.groupingBy(
                f -> f.severity().name().toLowerCase(Locale.ROOT) + " " + f.id(), java.util.LinkedHashMap::new,
                Collectors.counting()));
        return "Lint: " + counts.entrySet().stream().map(e -> e.getKey() + (e.getValue() > 1 ? " x" + e.getValue()
                : "")).collect(Collectors.joining(", "));
    }

    /** One line for each error: its id, problem, what firmware does and the cure. */
    public List<String> errorLines() {
        return report.findings().stream().filter(f -> f.severity() == Severity.ERROR).map(f -> "Lint " + f.id()
                + ": " + f.problem() + ". " + f.firmware() + ". Cure: " + f.cure()).toList();
    }

    /**
     * One warning for a chain that PCs' SBAT revocations refuse (the first such finding, and how many more), or
     * null: the release should not go out without a newer shim or GRUB, whatever the threshold.
     */
    public String revocationLine() {
        List<Finding> revoked = report.findings().stream().filter(f -> f.id().equals("SBAT_REVOKED")).toList();
        if (revoked.isEmpty()) {
            return null;
        }
        Finding f = revoked.get(0);
        return "Lint SBAT_REVOKED: " + f.problem() + (revoked.size() > 1 ? " (and " + (revoked.size() - 1)
                + " more)" : "") + ". " + f.firmware() + ". Cure: " + f.cure();
    }

    /** The line that names the source's own findings the output keeps, or null when there are none. */
    public String keptLine() {
        return kept.isEmpty() ? null : "Lint: the source has these findings too (kept with its layout): " + kept;
    }

    /** Whether the output fails the threshold it was judged against. */
    public boolean fails() {
        return !failing.isEmpty();
    }
}
