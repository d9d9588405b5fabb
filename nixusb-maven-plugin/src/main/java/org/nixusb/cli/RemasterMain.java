package org.nixusb.cli;

import java.nio.file.Path;
import java.time.Instant;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.BuildTimestamp;
import org.nixusb.checksum.Sha256File;
import org.nixusb.bootloader.BootloaderSource;
import org.nixusb.remaster.Remaster;
import org.nixusb.remaster.RemasterOptions;
import org.nixusb.remaster.RemasterResult;

/**
 * The core without Maven, for scripts, other builds and the benchmark:
 * {@code java -jar nixusb-maven-plugin-<version>-cli.jar SOURCE OUTPUT [--serial]
 * [--kernel-args ARGS] [--efi MODE] [--timestamp EPOCH_SECONDS] [--bootloaders bundled|host|JAR] [--syslinux DIR]
 * [--grub-efi FILE] [--efi-architectures x64,ia32,aa64] [--layout isohybrid|gpt|mbr|appended] [--overlay DIR]
 * [--loopback auto|add|none] [--no-efi-tree] [--lint-fail-on error|warning|info|none] [--no-checksum] [-q]}. Its defaults are the mojo's: boot loaders from the bundled nixusb-bootloaders files (on the
 * classpath), the time of added entries from {@code SOURCE_DATE_EPOCH} when it is set (else the source volume's), and
 * {@code OUTPUT.sha256} written beside the image (its line also printed, as {@code sha256sum} prints it);
 * {@code --no-checksum} skips the hash. Like the mojo, it lints its output ({@link org.nixusb.lint.OutputLint}): a
 * summary line, errors one line each, and exit status 5 when a finding reaches {@code --lint-fail-on} (default
 * {@code error}) that the source did not have too; the image stays. {@code --lint IMAGE [--json]} runs nixusb:lint's
 * checks instead. Exit status: 0 done, 1 bad input, 2 bad usage, 3 an unexpected failure, 5 the output fails lint.
 */
public final class RemasterMain {
    private RemasterMain() {
    }

    private static org.nixusb.lint.Severity parseThreshold(String value) {
        try {
            return org.nixusb.lint.Severity.parseThreshold(value);
        } catch (IllegalArgumentException e) {
            System.err.println("ERROR: --lint-fail-on: " + e.getMessage());
            System.exit(2);
            return null;
        }
    }

    private static BootloaderSource parseBootloaders(String value) {
        try {
            return BootloaderSource.parse(value);
        } catch (BadInputException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(2);
            return null;
        }
    }

    /**
     * {@code --lint IMAGE [--json]}: prints nixusb:lint's report; exits 0 without findings or with infos only, 4 with
     * warnings, 5 with errors (2: bad usage, 1: an image it cannot read).
     */
    private static void lint(String[] args) {
        java.util.List<String> flags = args.length < 2 ? java.util.List.of()
                : java.util.List.of(args).subList(2, args.length);
        if (args.length < 2 || !java.util.List.of("--json", "--fat-copy").containsAll(flags)
                || new java.util.HashSet<>(flags).size() != flags.size()) {
            System.err.println("usage: java -jar nixusb-maven-plugin-<version>-cli.jar --lint IMAGE [--json] "
                    + "[--fat-copy]");
            System.exit(2);
        }
        try {
            org.nixusb.lint.ImageLint.Report r = org.nixusb.lint.ImageLint.lint(Path.of(args[1]),
                    org.nixusb.secureboot.SbatLevels.pinned(), java.util.List.of(), flags.contains("--fat-copy"));
            System.out.print(flags.contains("--json") ? r.json() : r.text());
            System.out.flush();
            org.nixusb.lint.Severity worst = r.worst();
            System.exit(worst == org.nixusb.lint.Severity.ERROR ? 5 : worst == org.nixusb.lint.Severity.WARNING ? 4 : 0);
        } catch (BadInputException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
        } catch (java.io.IOException e) {
            System.err.println("ERROR: " + args[1] + ": " + e.getMessage());
            System.exit(1);
        }
    }

    public static void main(String[] args) {
        if (args.length >= 1 && args[0].equals("--lint")) {
            lint(args);
            return;
        }
        if (args.length < 2) {
            System.err.println("usage: java -jar nixusb-maven-plugin-<version>-cli.jar SOURCE OUTPUT [--serial] "
                    + "[--kernel-args ARGS] [--efi auto|keep|create|none] [--timestamp EPOCH_SECONDS] "
                    + "[--bootloaders bundled|host|JAR] [--syslinux DIR] [--grub-efi FILE] "
                    + "[--efi-architectures x64,ia32,aa64] [--layout isohybrid|gpt|mbr|appended] [--overlay DIR] [--loopback auto|add|none] [--no-efi-tree] "
                    + "[--lint-fail-on error|warning|info|none] [--no-checksum] [-q]\n"
                    + "       java -jar nixusb-maven-plugin-<version>-cli.jar --lint IMAGE [--json]");
            System.exit(2);
        }
        Command c = parse(args);
        BuildLog log = consoleLog(c.quiet());
        try {
            RemasterResult r = new Remaster(log).run(c.options());
            if (r.sha256() != null) {
                Sha256File.write(r.output(), r.sha256());
                System.out.println(r.sha256() + "  " + r.output());
            }
            lintOutput(r, c, log);
        } catch (BadInputException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
        } catch (Exception e) {
            System.err.println("ERROR: " + e);
            System.exit(3);
        }
    }

    /** A remaster as the command line asks for it: the options, quiet or not, and the lint threshold (null: none). */
    private record Command(RemasterOptions options, boolean quiet, org.nixusb.lint.Severity lintFailOn) {
    }

    /** Reads SOURCE OUTPUT and the options; exits 2 on bad usage. */
    private static Command parse(String[] args) {
        RemasterOptions o = RemasterOptions.of(Path.of(args[0]), Path.of(args[1])).withSha256(true);
        try {
            o = o.withTimestamp(BuildTimestamp.resolve(null, System.getenv("SOURCE_DATE_EPOCH")));
        } catch (IllegalArgumentException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(2);
        }
        boolean quiet = false;
        org.nixusb.lint.Severity lintFailOn = org.nixusb.lint.Severity.ERROR;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--serial" -> o = o.withSerial(true);
                case "--kernel-args" -> o = o.withKernelArgs(args[++i]);
                case "--efi" -> o = o.withEfi(args[++i]);
                case "--layout" -> o = o.withLayout(org.nixusb.hybrid.StickLayout.parse(args[++i]));
                case "--loopback" -> o = o.withLoopback(org.nixusb.remaster.LoopbackMode.parse(args[++i]));
                case "--no-efi-tree" -> o = o.withEfiTree(false);
                case "--efi-architectures" -> o = o.withEfiArchitectures(org.nixusb.arch.EfiArch.parseList(args[++i]));
                case "--timestamp" -> o = o.withTimestamp(Instant.ofEpochSecond(Long.parseLong(args[++i])));
                case "--syslinux" -> o = o.withSyslinuxDirectory(Path.of(args[++i]));
                case "--grub-efi" -> o = o.withGrubEfi(Path.of(args[++i]));
                case "--bootloaders" -> o = o.withBootloaders(parseBootloaders(args[++i]));
                case "--sha256" -> o = o.withSha256(true); // the default; kept for scripts that pass it
                case "--no-checksum" -> o = o.withSha256(false);
                case "--overlay" -> o = o.withImageDirectory(Path.of(args[++i]));
                case "-q" -> quiet = true;
                case "--lint-fail-on" -> lintFailOn = parseThreshold(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        return new Command(o, quiet, lintFailOn);
    }

    /** The core's messages on the console: information on standard output (unless quiet), warnings on standard error. */
    private static BuildLog consoleLog(boolean quiet) {
        return new BuildLog() {
            @Override
            public void info(String message) {
                if (!quiet) {
                    System.out.println(message);
                }
            }

            @Override
            public void warn(String message) {
                System.err.println("WARNING: " + message);
            }
        };
    }

    /** Lints the output as the mojo does; exits 5 when a finding the source did not have reaches the threshold. */
    private static void lintOutput(RemasterResult r, Command c, BuildLog log) throws java.io.IOException,
            BadInputException {
        org.nixusb.lint.OutputLint verdict = org.nixusb.lint.OutputLint.judge(r.output(), c.options().source(),
                c.lintFailOn());
        log.info(verdict.summary() + (verdict.report().findings().isEmpty() ? "" : " (--lint " + r.output()
                + " explains each and its cure)"));
        verdict.errorLines().forEach(line -> System.err.println("ERROR: " + line));
        if (verdict.revocationLine() != null) {
            log.warn(verdict.revocationLine());
        }
        if (verdict.keptLine() != null) {
            log.warn(verdict.keptLine());
        }
        if (verdict.fails()) {
            System.err.println("ERROR: " + r.output() + ": lint found " + verdict.failing() + " (--lint-fail-on "
                    + c.lintFailOn().name().toLowerCase(java.util.Locale.ROOT) + "); the image was written. "
                    + "--lint-fail-on none only prints them");
            System.exit(5);
        }
    }
}
