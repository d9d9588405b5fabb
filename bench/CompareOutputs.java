import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Remasters every ISO under a directory with two builds of the core (two cli jars, each in a class loader of its own,
 * in one JVM) and several option sets, and compares the outputs byte for byte (SHA-256), or the refusals' messages.
 * Usage: java bench/CompareOutputs.java OLD.jar NEW.jar DIR [MAX_MIB]. Prints one line per difference and a summary;
 * exits 1 when any output or refusal differs. The inputs are whatever lies in DIR (the unit tests' sources and
 * outputs under target/unit-work: the edge-case trees, damaged images, already-hybrid media, every layout).
 */
public final class CompareOutputs {
    private static final String[][] OPTION_SETS = {
        {}, {"layout", "GPT"}, {"layout", "MBR"}, {"layout", "APPENDED"}, {"efi", "create"}, {"kernelArgs", "console=ttyS0"},
    };

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java bench/CompareOutputs.java OLD.jar NEW.jar DIR [MAX_MIB]");
            System.exit(2);
        }
        long max = (args.length > 3 ? Long.parseLong(args[3]) : 64) << 20;
        ClassLoader before = new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()}, null);
        ClassLoader after = new URLClassLoader(new URL[] {Path.of(args[1]).toUri().toURL()}, null);
        List<Path> inputs;
        try (Stream<Path> s = Files.walk(Path.of(args[2]))) {
            inputs = s.filter(p -> p.toString().endsWith(".iso") && Files.isRegularFile(p)).filter(p -> {
                try {
                    return Files.size(p) <= max;
                } catch (IOException e) {
                    return false;
                }
            }).sorted().toList();
        }
        Path work = Files.createTempDirectory("nixusb-compare");
        int same = 0;
        int refusedAlike = 0;
        List<String> differ = new ArrayList<>();
        for (Path in : inputs) {
            for (String[] set : OPTION_SETS) {
                // the same file name in two directories: nothing of the output's name can make the bytes differ
                String a = run(before, in, Files.createDirectories(work.resolve("before")).resolve("usb.iso"), set);
                String b = run(after, in, Files.createDirectories(work.resolve("after")).resolve("usb.iso"), set);
                String what = in + " " + String.join("=", set);
                if (!a.equals(b)) {
                    differ.add(what + "\n  before: " + a + "\n  after:  " + b);
                    System.out.println("DIFFERS " + what + "\n  before: " + a + "\n  after:  " + b);
                } else if (a.startsWith("refused")) {
                    refusedAlike++;
                } else {
                    same++;
                }
            }
        }
        System.out.printf("%d inputs x %d option sets: %d outputs byte-identical, %d refused alike, %d differ%n",
                inputs.size(), OPTION_SETS.length, same, refusedAlike, differ.size());
        System.exit(differ.isEmpty() ? 0 : 1);
    }

    /** "sha256 HEX" of the output, or "refused MESSAGE". */
    private static String run(ClassLoader cl, Path in, Path out, String[] set) throws Exception {
        Files.deleteIfExists(out);
        Files.deleteIfExists(out.resolveSibling(out.getFileName() + ".sha256"));
        Class<?> optionsClass = cl.loadClass("org.nixusb.remaster.RemasterOptions");
        Object o = optionsClass.getMethod("of", Path.class, Path.class).invoke(null, in, out);
        o = optionsClass.getMethod("withTimestamp", Instant.class).invoke(o, Instant.parse("2024-01-01T00:00:00Z"));
        if (set.length == 2) {
            switch (set[0]) {
                case "layout" -> {
                    Class<?> layout = cl.loadClass("org.nixusb.hybrid.StickLayout");
                    Object value = layout.getMethod("valueOf", String.class).invoke(null, set[1]);
                    o = optionsClass.getMethod("withLayout", layout).invoke(o, value);
                }
                case "efi" -> o = optionsClass.getMethod("withEfi", String.class).invoke(o, set[1]);
                case "kernelArgs" -> {
                    o = optionsClass.getMethod("withKernelArgs", String.class).invoke(o, set[1]);
                    o = optionsClass.getMethod("withSerial", boolean.class).invoke(o, true);
                }
                default -> throw new IllegalArgumentException(set[0]);
            }
        }
        Class<?> logClass = cl.loadClass("org.nixusb.BuildLog");
        Object silent = logClass.getField("SILENT").get(null);
        Object remaster = cl.loadClass("org.nixusb.remaster.Remaster").getConstructor(logClass).newInstance(silent);
        Method run = remaster.getClass().getMethod("run", optionsClass);
        try {
            run.invoke(remaster, o);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable t = e.getCause();
            return "refused " + t.getClass().getSimpleName() + ": " + String.valueOf(t.getMessage())
                    .replace(out.toString(), "OUT");
        }
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (var s = Files.newInputStream(out)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = s.read(buf)) > 0;) {
                d.update(buf, 0, n);
            }
        }
        return "sha256 " + HexFormat.of().formatHex(d.digest());
    }
}
