package org.nixusb.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.nixusb.qemu.BootResult;
import org.nixusb.qemu.ScriptRunner;

/**
 * The boot results as CI systems and people read them: one JUnit XML file in Surefire's format (one test
 * case per boot mode, with its time, failure message and serial log) and an HTML page with each mode's
 * result, time, screenshot and log.
 */
public final class BootReports {
    private BootReports() {
    }

    /** Writes {@code TEST-nixusb-boot.xml}; returns its path. */
    public static Path junit(Path dir, String suite, Path image, List<BootResult> results) throws IOException {
        Files.createDirectories(dir);
        int failures = 0;
        int tests = 0;
        int skipped = 0;
        for (BootResult r : results) {
            tests += 1 + r.steps().size();
            failures += bootFailed(r) ? 1 : 0;
            for (ScriptRunner.StepResult st : r.steps()) {
                failures += st.status() == ScriptRunner.Status.FAILED ? 1 : 0;
                skipped += st.status() == ScriptRunner.Status.NOT_RUN ? 1 : 0;
            }
        }
        double total = results.stream().mapToLong(BootResult::millis).sum() / 1000.0;
        StringBuilder x = new StringBuilder();
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append(String.format(Locale.ROOT, "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" "
                + "skipped=\"%d\" time=\"%.3f\">%n", attr(suite), tests, failures, skipped, total));
        x.append("  <properties>\n    <property name=\"image\" value=\"").append(attr(image.toString()))
                .append("\"/>\n  </properties>\n");
        for (BootResult r : results) {
            x.append(String.format(Locale.ROOT, "  <testcase name=\"%s\" classname=\"%s\" time=\"%.3f\">%n",
                    attr(r.mode().id()), attr(suite), r.millis() / 1000.0));
            if (bootFailed(r)) {
                x.append("    <failure message=\"").append(attr(r.reason())).append("\" type=\"boot\">")
                        .append(text(r.reason() + "\nserial log: " + r.log()
                                + (r.screenshot() == null ? "" : "\nscreenshot: " + r.screenshot())))
                        .append("</failure>\n");
            }
            x.append("    <system-out>").append(text(readLog(r.log()))).append("</system-out>\n");
            x.append("  </testcase>\n");
            // a console script: each step a test case with the console text of that step
            for (ScriptRunner.StepResult st : r.steps()) {
                x.append(String.format(Locale.ROOT, "  <testcase name=\"%s\" classname=\"%s\" time=\"%.3f\">%n",
                        attr(r.mode().id() + " / " + st.step().name()), attr(suite), st.millis() / 1000.0));
                if (st.status() == ScriptRunner.Status.FAILED) {
                    x.append("    <failure message=\"").append(attr(st.message())).append("\" type=\"step\">")
                            .append(text("step '" + st.step().name() + "' (line " + st.step().line() + "): "
                                    + st.message() + (r.screenshot() == null ? "" : "\nscreenshot: "
                                            + r.screenshot())))
                            .append("</failure>\n");
                } else if (st.status() == ScriptRunner.Status.NOT_RUN) {
                    x.append("    <skipped message=\"").append(attr(st.message())).append("\"/>\n");
                }
                x.append("    <system-out>").append(text(st.transcript())).append("</system-out>\n");
                x.append("  </testcase>\n");
            }
        }
        x.append("</testsuite>\n");
        Path file = dir.resolve("TEST-nixusb-boot.xml");
        Files.writeString(file, x, StandardCharsets.UTF_8);
        return file;
    }

    /** The boot itself failed (not a step of its script). */
    private static boolean bootFailed(BootResult r) {
        return !r.passed() && r.steps().stream().noneMatch(st -> st.status() == ScriptRunner.Status.FAILED);
    }

    /** Writes {@code index.html} in {@code dir} (where the logs and screenshots are); returns its path. */
    public static Path html(Path dir, Path image, List<BootResult> results) throws IOException {
        Files.createDirectories(dir);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>nixusb boot report</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:.4em;vertical-align:top}")
                .append(".pass{color:#060;font-weight:bold}.fail{color:#a00;font-weight:bold}")
                .append("img{max-width:360px;border:1px solid #888}pre{max-height:20em;overflow:auto;font-size:80%}")
                .append("</style></head><body>\n");
        h.append("<h1>nixusb boot report</h1>\n<p>Image: <code>").append(text(image.toString())).append("</code></p>\n");
        h.append("<table><tr><th>mode</th><th>result</th><th>time</th><th>screenshot</th><th>serial log</th></tr>\n");
        for (BootResult r : results) {
            String log = r.log().getFileName().toString();
            h.append("<tr><td>").append(text(r.mode().id())).append("</td><td><span class=\"")
                    .append(r.passed() ? "pass\">PASSED" : "fail\">FAILED").append("</span><br>")
                    .append(text(r.reason())).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.1f s", r.millis() / 1000.0)).append("</td><td>");
            if (r.screenshot() != null) {
                String png = dir.relativize(r.screenshot().toAbsolutePath()).toString();
                h.append("<a href=\"").append(attr(png)).append("\"><img src=\"").append(attr(png))
                        .append("\" alt=\"screen at the verdict\"></a>");
            } else {
                h.append("none");
            }
            h.append("</td><td><a href=\"").append(attr(log)).append("\">").append(text(log)).append("</a><pre>")
                    .append(text(tail(readLog(r.log()), 40))).append("</pre></td></tr>\n");
        }
        h.append("</table>\n");
        for (BootResult r : results) {
            if (r.steps().isEmpty()) {
                continue;
            }
            h.append("<h2>").append(text(r.mode().id())).append(": console script</h2>\n<table><tr><th>step</th>")
                    .append("<th>result</th><th>time</th><th>console</th></tr>\n");
            for (ScriptRunner.StepResult st : r.steps()) {
                String cls = st.status() == ScriptRunner.Status.PASSED ? "pass" : st.status()
                        == ScriptRunner.Status.FAILED ? "fail" : "";
                h.append("<tr><td>").append(text(st.step().line() + ": " + st.step().name())).append("</td><td>")
                        .append("<span class=\"").append(cls).append("\">").append(st.status()).append("</span><br>")
                        .append(text(st.message())).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.1f s", st.millis() / 1000.0)).append("</td><td><pre>")
                        .append(text(tail(st.transcript(), 40))).append("</pre></td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        Path file = dir.resolve("index.html");
        Files.writeString(file, h, StandardCharsets.UTF_8);
        return file;
    }

    private static String readLog(Path log) {
        try {
            String raw = Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1) : "";
            return raw.replaceAll("\u001B\\[[0-9;?=]*[A-Za-z]", "").replace("\r", "");
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static String tail(String s, int lines) {
        String[] all = s.split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, all.length - lines); i < all.length; i++) {
            sb.append(all[i]).append('\n');
        }
        return sb.toString();
    }

    /** XML/HTML text: escaped, and without characters XML 1.0 forbids. */
    static String text(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                default -> {
                    if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0xFFFE && !(c >= 0xD800 && c < 0xE000))) {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    static String attr(String s) {
        return text(s).replace("\"", "&quot;").replace("\n", " ");
    }
}
