package org.nixusb.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nixusb.testing.EdgeCaseTrees;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * Coverage-guided fuzzing with Jazzer, bounded: each target runs in a JVM of its own (the Jazzer
 * driver, {@code com.code_intelligence.jazzer.Jazzer}) for {@code nixusb.fuzz.seconds} seconds
 * (default 25; set it higher for a long run), two at a time. The damaged inputs start from valid
 * images that genisoimage, xorriso, mkfs.vfat and mtools build here (and from their catalogs and menus);
 * the corpus Jazzer grows is kept in {@code target/fuzz/corpus}. A finding (an exception the target
 * does not allow, a hang over 20 s, more than 2.5 GiB) fails the test with the reproducer's path; each
 * finding fixed becomes an input in {@link #REGRESSIONS}, replayed every run.
 */
class FuzzingTest {
    static final List<String> ALL_TARGETS = List.of("IsoImageFuzzer", "SystemAreaFuzzer", "FatFuzzer", "CatalogFuzzer",
            "MenuFuzzer", "HeaderFuzzer", "FirmwareDataFuzzer");
    /** The targets to run: all, or those {@code -Dnixusb.fuzz.targets=A,B} names. */
    static final List<String> TARGETS = System.getProperty("nixusb.fuzz.targets", "").isBlank() ? ALL_TARGETS
            : List.of(System.getProperty("nixusb.fuzz.targets").split(","));
    static final int SECONDS = Integer.getInteger("nixusb.fuzz.seconds", 25);

    /**
     * Inputs that once were findings: target, Base64 of the fuzzer input. Replaying them shows they no longer
     * crash; the code each once broke is shown to run on the minimal damage by a unit test of its own: the
     * loader.conf default in SystemdBootReaderTest, the GPT header size in UefiStickCheckTest, the NM entry and the
     * directory size in FormerFindingsTest, the GRUB submenu in GrubConfigReaderTest, lint's far entry array in
     * ImageLintTest, the variable name in VariableStoreTest.
     */
    static final List<String[]> REGRESSIONS = List.<String[]>of(
            // loader.conf "default" with an unbalanced "{": PatternSyntaxException from the JDK's glob
            new String[] {"MenuFuzzer", "AXNldHNldCABAHNldP///wAgZI/lIHhkc2Zhfmx0PTAKc2UrdC0tewoKTEF0IP8tewoKTEF0IHsKCkxB"
                + "QkVMIAA9bxoaGhoaGhoSGhoaGhoaGhoaGhppAAALAEFCRUwgbGl2cAAAAAAAAAAAAAAAAGUKIGRlZmF1"
                + "bHQgTQFzZXQgZOVmYXVsRU5VIExMVCCMaQAAAAAAAAAAAAAAAAAAAAAAAEJFTCAAPW8aGhoaGhoaGhob"
                + "GhoaGhoaGnV0IHsKIQ=="},
            // a GPT header size of 11: ArrayIndexOutOfBoundsException in the UEFI layout check
            new String[] {"SystemAreaFuzzer", "lwsCCwILCjs="},
            // a GPT whose entry array lies at a sector past 2^54: a negative read position in lint
            new String[] {"SystemAreaFuzzer", "939/TUZJf3w="},
            // a Rock Ridge NM entry of length 4: StringIndexOutOfBoundsException in the reader (240 s run)
            new String[] {"SystemAreaFuzzer", "BAAAAC751gDY/w=="},
            // a directory whose size is not whole blocks, rewritten in place: ArrayIndexOutOfBounds in ImageEdit
            new String[] {"IsoImageFuzzer", "AAEAAAAAl5fCpcOmgAA9//U="},
            // a GRUB submenu that sources its own config: StackOverflowError in GrubConfigReader.entries
            new String[] {"MenuFuzzer", "AXNldCBkZWZhdWx0PTAKc2V0IHRpbWVvdXSpPTUKbWVudWVudHJ5ICdMaXZlJyAtL2NsYXNzIHggewogIGxp"
                + "bnUgbGludXggKCQvYm9vdi9leHRyYX0KICBpbml0cmQgL2Jvb3QvYgp9CnN1Ym1lbnUgJ01vcmUnIHsKICBtZW51ZW50"
                + "cnkgJ0RlYnVnJyB7IGxpbnV4IC9ib290Lz8/Pz8/Lz8/Pz8/dm1saZOKhd9kZWJ1ZwogfSBzb3VyY2UgL2Jvb3QvYToK"
                + "fQo="},
            // a quoted empty word before name=value: StringIndexOutOfBoundsException in GrubConfigReader
            new String[] {"MenuFuzzer", "JycnJycnJycnJycnJycnJycnJycnJycnJycnJ2RlZmF1bHQ9MCcnJycnJycnJycnJ2RlZmF1bHQ9MAp0aW1l"
                + "b3V0PXJ5aXZlCiAODg7//2E="},
            // configfile inside a submenu: GrubConfigReader's ConfigReplaced escaped the reader
            new String[] {"MenuFuzzer", "AXNldCBkZWZhdWx0PTAKc2V0IHRpbWVvdXQ9QkVMPVggJHtleHRyYYP1ICBpIC9ib290L2EgL2Jvb3Qvm"
                + "Ap9CnN1Ym1lbnUgJ01scmUnIHsKIGNvbmZpZ2ZpbGUgL2Jvb3Qvdm1saW51eiBkb2RlZmF1bHQ9MApzZXQgdGltZW91dD1C"
                + "RUw9WHB0b25zaQp9Cg=="},
            // a variable store whose live variable's name runs past its NUL: written again it was another size
            new String[] {"FirmwareDataFuzzer", "AAAAAAAAAAAAAAAAAAAAAI0r8f+WdotMqYUnRwdbT1AAIAAAAAAAAF9GVkgAAAAASAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAeCzz"
                + "qnuUmkOhgC4UTsN3kgAQAABa/gAAAAAAAKpVPwD///8CAwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACoDwAAAAAAABQA"
                + "QQAAAAAAUKtdYEbgAEOrtj3YEN2LI1MAYgBhAHQATABlAHYAZQBsAAAAc2JhdCwxLMOgwpgDK8KMCnNoaW0sTQAAAAAAAAAAJwAA"
                + "AAAAAAAAAAAAAAAAAAAApwAAAAAAAAAAAAAAAAAIAAAATAAAAMuyGdc6PZZFo7za0A5nZW9kAGIAeAAAACYWxMFMUJJArKlB+TaT"
                + "QyhMAAAAAAAAADAAAABh3+SLypPSEaoNAOCYAyuMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAD/////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "//////////////////////////86////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////Pz8/Pz8/P///////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////QNr/////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////SEhISEhISEj/////////"
                + "/////////////////////////////////////////////////////////////////////y5zYmF0////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "//////////////////////////////////////////////////////////////3/////////////////////////////////////"
                + "////////////////////////////Av//////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "//////////////////////////////////8u////////////////////////////////////////////////////JhbE////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "//////////////8AAAAI////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "//////////////////////////////////////////////////////////////////////////////////////////////9b////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////v///////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "/////////////////////////z8AAAAAAAAAADAAAAA/PzUAAAAAAAAAAAgAAAAAAAAAJhbEwUxQkkCsqUH5NpNDKEwAAAAAAAAA"
                + "EAAAAAAAAAAAAADDoMKYAyvCjAAAAAAAAAAAAAAAAAAAAAAAAAAJAAAAAAD/////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "/////////////////////////////////////////////////////////////////////////////////////////////5H/////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "//////////////////v/////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "//////////////////////////////////////////////////////////8AAAAA////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "//////////////////////////////////////////////////////////////////////9cRV1cRV1dXV1dXf//////////////"
                + "////////////////////////////////////////////////////////////////////////////////////wf//////////////"
                + "////////////////////////////////////////////TFCSQKypQfkzk0MoTP//////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "////////////////////////////////////////////////////////////////////////////////////////////////////"
                + "//////////8AAAAA6+vr6+vr6+smFsTBTFCSQKypQfk2k0MoTAAAAP//////////////////////////////////////////////"
                + "////////////////////////////////////////////////AAD/AAAwAAAAYf///w=="});

    static Path work;
    static final Map<String, String> SUMMARY = new ConcurrentHashMap<>();

    @BeforeAll
    static void bases() throws Exception {
        HostTools.require("genisoimage", "xorriso", "mkfs.vfat", "mcopy", "mmd");
        work = HostTools.workDir("fuzz");
        Path base = Files.createDirectories(work.resolve("base"));
        Path trees = work.resolve("trees");
        Path plain = EdgeCaseTrees.plain(trees);
        Path efi = smallFat(trees, "efi.fat", 128, "-F", "12");
        Files.copy(efi, plain.resolve("eltorito/efi.img"));
        SourceIsos.touchAll(plain);
        String[] noEmul = {"-b", "eltorito/boot.img", "-c", "eltorito/boot.cat", "-no-emul-boot", "-boot-load-size", "4"};
        String[] withEfi = {"-eltorito-alt-boot", "-e", "eltorito/efi.img", "-no-emul-boot"};
        iso(base.resolve("a-rock-ridge-joliet.iso"), plain, List.of("genisoimage", "-R", "-J", "-no-pad"), noEmul, withEfi);
        iso(base.resolve("b-plain-iso9660.iso"), plain, List.of("genisoimage", "-no-pad"), noEmul);
        Path odd = EdgeCaseTrees.oddNames(trees);
        iso(base.resolve("c-odd-xorriso.iso"), odd, List.of("xorriso", "-as", "mkisofs", "-R", "-J", "-no-pad"), noEmul);
        iso(base.resolve("d-nixos-style.hybrid"), plain, List.of("xorriso", "-as", "mkisofs", "-R", "-no-pad",
                "-isohybrid-mbr", "/usr/lib/ISOLINUX/isohdpfx.bin", "-isohybrid-gpt-basdat", "--md5"), noEmul, withEfi);
        iso(base.resolve("e-ubuntu-style.hybrid"), plain, List.of("xorriso", "-as", "mkisofs", "-R", "-no-pad",
                "--grub2-mbr", "/usr/lib/grub/i386-pc/boot_hybrid.img", "-partition_offset", "16", "-append_partition",
                "2", "0xef", efi.toString(), "-appended_part_as_gpt", "--md5"), noEmul, new String[] {"-eltorito-alt-boot", "-e",
                    "--interval:appended_partition_2:all::", "-no-emul-boot"});
        Files.copy(efi, base.resolve("f-fat12.fat"));
        Files.copy(smallFat(trees, "fat16.fat", 2200, "-F", "16", "-s", "1"), base.resolve("g-fat16.fat"));
        // seeds: the catalogs of the images, and menus of each kind
        Path seeds = Files.createDirectories(work.resolve("seeds/CatalogFuzzer"));
        try (var s = Files.list(base)) {
            for (Path p : s.filter(f -> !f.toString().endsWith(".fat")).toList()) {
                try (var v = org.nixusb.iso9660.IsoVolume.open(p)) {
                    long lba = org.nixusb.binary.Bytes.u32le(v.bootRecord().data(), 71);
                    Files.write(seeds.resolve(p.getFileName() + ".cat"), v.image().readBlock(lba, "catalog"));
                }
            }
        }
        Path heads = Files.createDirectories(work.resolve("seeds/HeaderFuzzer"));
        Files.write(heads.resolve("bzimage"), org.nixusb.testing.MadeUpKernels.bzImage(0x20f, 0x7f));
        Files.write(heads.resolve("arm64"), org.nixusb.testing.MadeUpKernels.arm64Image());
        Files.write(heads.resolve("ia32"), org.nixusb.testing.MadeUpKernels.peProgram(0x14c));
        Path firmware = Files.createDirectories(work.resolve("seeds/FirmwareDataFuzzer"));
        byte[] store = org.nixusb.testing.FirmwareSeeds.variableStore();
        Files.write(firmware.resolve("store"), prefixed(0, store));
        Files.write(firmware.resolve("lists"), prefixed(1, org.nixusb.efivars.SignatureList.write(List.of(
                new org.nixusb.efivars.SignatureList(org.nixusb.efivars.SignatureList.SHA256, List.of(
                        new org.nixusb.efivars.SignatureList.Entry(org.nixusb.efivars.EfiVariable.GLOBAL,
                                new byte[32])))))));
        Files.write(firmware.resolve("pe"), prefixed(2, org.nixusb.testing.MadeUpKernels.peProgram(0x8664)));
        Path menus = Files.createDirectories(work.resolve("seeds/MenuFuzzer"));
        Files.writeString(menus.resolve("systemd-boot"), "\u0000title Live\nlinux /boot/bzImage\ninitrd /boot/initrd\n"
                + "options root=LABEL=X quiet\n\u0000default live\ntimeout 5\n");
        Files.writeString(menus.resolve("grub"), "\u0001set default=0\nset timeout=5\nmenuentry 'Live' --class x {\n"
                + "  linux ($root)/boot//vmlinuz root=LABEL=X ${extra}\n  initrd /boot/a /boot/b\n}\n"
                + "submenu 'More' {\n  menuentry 'Debug' { linux /boot/vmlinuz debug\n }\n}\n");
        Files.writeString(menus.resolve("syslinux"), "\u0002UI menu.c32\nDEFAULT live\nLABEL live\n  MENU LABEL Live\n"
                + "  LINUX /boot/bzImage\n  INITRD /boot/a,/boot/b\n  APPEND root=LABEL=X\n");
    }

    /** A seed whose first bytes make {@code FuzzedDataProvider.consumeInt(0, n)} give {@code which}. */
    private static byte[] prefixed(int which, byte[] rest) {
        // consumeInt takes its bytes from the end of the input
        byte[] out = java.util.Arrays.copyOf(rest, rest.length + 4);
        out[out.length - 1] = (byte) which;
        return out;
    }

    @AfterAll
    static void summary() {
        System.out.println("fuzzing: " + SECONDS + " s per target");
        TARGETS.forEach(t -> System.out.println("  " + t + ": " + SUMMARY.get(t)));
    }

    @Test
    void noTargetFindsACrashAHangOrAnOutOfMemory() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> runs = new ArrayList<>();
            for (String t : TARGETS) {
                runs.add(pool.submit(() -> fuzz(t)));
            }
            List<String> findings = new ArrayList<>();
            for (Future<String> f : runs) {
                String finding = f.get(SECONDS + 600L, TimeUnit.SECONDS);
                if (finding != null) {
                    findings.add(finding);
                }
            }
            assertEquals(List.of(), findings);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyFormerFindingStaysFixed() throws Exception {
        for (String[] r : REGRESSIONS) {
            Path input = work.resolve("regression-" + r[0] + "-" + Integer.toHexString(r[1].hashCode()));
            Files.write(input, Base64.getDecoder().decode(r[1]));
            // a replay runs the input once: a hang counts as a finding after 20 s, the child is killed after 120
            Result res = jazzer(r[0], List.of("-timeout=20", input.toString()), work.resolve("replay"), 120);
            assertEquals(0, res.exit(), () -> r[0] + " fails again on a former finding:\n" + res.tail());
        }
    }

    /** The time limit holds for the child: a run asked for two minutes is killed after its five seconds. */
    @Test
    void aChildThatOutlivesItsTimeLimitIsKilled() throws Exception {
        Path corpus = Files.createDirectories(work.resolve("killed-corpus"));
        long t0 = System.nanoTime();
        Result r = jazzer("MenuFuzzer", List.of("-max_total_time=120", corpus.toString(),
                work.resolve("seeds/MenuFuzzer").toString()), work.resolve("killed"), 5);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertEquals(-1, r.exit(), r.tail());
        assertTrue(r.output().contains("killed after 5 s") && seconds < 40, seconds + " s: " + r.tail());
    }

    /** Fuzzes one target; null when it found nothing, else a description of the finding. */
    private static String fuzz(String target) throws Exception {
        Path corpus = Files.createDirectories(Path.of("target/fuzz/corpus").toAbsolutePath().resolve(target));
        Path seeds = work.resolve("seeds").resolve(target);
        List<String> args = new ArrayList<>(List.of("-max_total_time=" + SECONDS, "-timeout=20",
                "-rss_limit_mb=2560", "-print_final_stats=1", corpus.toString()));
        if (Files.isDirectory(seeds)) {
            args.add(seeds.toString());
        }
        Result r = jazzer(target, args, work.resolve("findings"));
        Matcher runs = Pattern.compile("stat::number_of_executed_units:\\s+(\\d+)").matcher(r.output());
        long executions = runs.find() ? Long.parseLong(runs.group(1)) : -1;
        long corpusFiles;
        try (var s = Files.list(corpus)) {
            corpusFiles = s.count();
        }
        SUMMARY.put(target, String.format("%d executions (%d/s), corpus %d inputs, exit %d", executions,
                executions / Math.max(1, SECONDS), corpusFiles, r.exit()));
        assertTrue(executions > 0 || r.exit() != 0, () -> target + " ran no input:\n" + r.tail());
        return r.exit() == 0 ? null : target + " (exit " + r.exit() + "):\n" + r.tail();
    }

    record Result(int exit, String output) {
        String tail() {
            String[] lines = output.split("\n");
            return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
        }
    }

    private static Result jazzer(String target, List<String> libFuzzerArgs, Path findings) throws Exception {
        return jazzer(target, libFuzzerArgs, findings, SECONDS + 300L);
    }

    static Result jazzer(String target, List<String> libFuzzerArgs, Path findings, long timeoutSeconds)
            throws Exception {
        Files.createDirectories(findings);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dnixusb.fuzz.base=" + work.resolve("base"), "-cp", classpath(),
                "com.code_intelligence.jazzer.Jazzer", "--target_class=org.nixusb.fuzz." + target,
                "--instrumentation_includes=org.nixusb.**", "--reproducer_path=" + findings,
                "-artifact_prefix=" + findings + "/" + target + "-"));
        cmd.addAll(libFuzzerArgs);
        // the output goes to a file, so that the time limit holds even when the child never closes its output
        Path log = Files.createTempFile(findings, target + "-", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!exited) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.ISO_8859_1);
        Files.deleteIfExists(log);
        return new Result(exited ? p.exitValue() : -1, exited ? out : out + "\n(killed after " + timeoutSeconds
                + " s: the child outlived its time limit)");
    }

    /** The test class path: java.class.path, or the Class-Path of Surefire's manifest-only booter jar. */
    private static String classpath() throws IOException {
        String cp = System.getProperty("java.class.path");
        String[] parts = cp.split(File.pathSeparator);
        if (parts.length == 1 && parts[0].endsWith(".jar")) {
            try (JarFile jar = new JarFile(parts[0])) {
                String manifest = jar.getManifest() == null ? null
                        : jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (manifest != null) {
                    List<String> out = new ArrayList<>();
                    for (String url : manifest.trim().split("\\s+")) {
                        out.add(Path.of(URI.create(url)).toString());
                    }
                    return String.join(File.pathSeparator, out);
                }
            }
        }
        return cp;
    }

    private static void iso(Path out, Path tree, List<String> tool, String[]... boot) throws Exception {
        List<String> cmd = new ArrayList<>(tool);
        cmd.addAll(List.of("-quiet", "-o", out.toString(), "-V", "FUZZ_BASE"));
        for (String[] b : boot) {
            cmd.addAll(List.of(b));
        }
        cmd.add(tree.toString());
        HostTools.run(cmd.toArray(new String[0]));
    }

    /** A small FAT file system with directories, long names and files of a few sizes. */
    private static Path smallFat(Path dir, String name, int kib, String... mkfs) throws Exception {
        Path img = dir.resolve(name);
        Files.deleteIfExists(img);
        List<String> cmd = new ArrayList<>(List.of("mkfs.vfat", "-C", "-n", "FUZZ"));
        cmd.addAll(List.of(mkfs));
        cmd.addAll(List.of(img.toString(), Integer.toString(kib)));
        HostTools.run(cmd.toArray(new String[0]));
        Path f = dir.resolve(name + ".payload");
        Files.write(f, new byte[5000]);
        HostTools.run("mmd", "-i", img.toString(), "::/EFI", "::/EFI/BOOT", "::/loader", "::/loader/entries");
        HostTools.run("mcopy", "-i", img.toString(), f.toString(), "::/EFI/BOOT/BOOTX64.EFI");
        Files.writeString(f, "title Live\nlinux /boot/bzImage\n");
        HostTools.run("mcopy", "-i", img.toString(), f.toString(), "::/loader/entries/a-long-entry-name.conf");
        return img;
    }
}
