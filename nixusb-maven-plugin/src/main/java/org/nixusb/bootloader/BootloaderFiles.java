package org.nixusb.bootloader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.nixusb.BadInputException;
import org.nixusb.arch.EfiArch;
import org.nixusb.grub.GrubEfiLocations;
import org.nixusb.syslinux.SyslinuxInstallation;

/**
 * The boot loader files of one {@link BootloaderSource}: ISOLINUX with its MBR template and modules, and GRUB's
 * x86_64 EFI binary. A bundle (nixusb-bootloaders: {@code org/nixusb/bootloaders/} with an
 * {@code index.properties} naming each file's Debian package, version and SHA-256) is unpacked into a private
 * temporary directory on first use, every file checked against its recorded hash, and deleted on
 * {@link #close}; the host's files are searched where distributions install them.
 */
public final class BootloaderFiles implements AutoCloseable {
    static final String PREFIX = "org/nixusb/bootloaders/";
    static final String INDEX = PREFIX + "index.properties";
    static final String ISOLINUX = "bios/isolinux.bin";
    static final String GRUB = grubEntry(EfiArch.X64);

    /** The bundle's monolithic GRUB image for an architecture: efi/grubx64.efi, efi/grubaa64.efi, efi/grubia32.efi. */
    static String grubEntry(EfiArch arch) {
        return "efi/grub" + arch.id() + ".efi";
    }

    private final BootloaderSource source;
    private Map<String, String> index;
    private String artifact;
    private Path unpacked;
    private final java.util.Set<String> done = new java.util.HashSet<>();
    /** unpacks what a remaster will likely ask for while it reads its source; joined by {@link #close} */
    private Thread prefetch;

    private BootloaderFiles(BootloaderSource source) {
        this.source = source;
    }

    public static BootloaderFiles of(BootloaderSource source) {
        return new BootloaderFiles(source == null ? BootloaderSource.BUNDLED : source);
    }

    public BootloaderSource source() {
        return source;
    }

    /**
     * Starts unpacking, on a thread of its own, what a remaster is likely to ask for (ISOLINUX's files and the GRUB
     * of each of {@code grubs}), so that it is ready when asked: a remaster reads its source meanwhile. A failure is
     * left for the call that needs the file to report.
     */
    public synchronized void prefetch(List<EfiArch> grubs) {
        if (source.kind() == BootloaderSource.Kind.HOST || prefetch != null) {
            return;
        }
        List<EfiArch> archs = List.copyOf(grubs);
        prefetch = new Thread(() -> {
            try {
                syslinux();
                for (EfiArch a : archs) {
                    grubEfi(a);
                }
            } catch (IOException | BadInputException | RuntimeException notNow) {
                // asked for again where it is needed, and reported there
            }
        }, "nixusb-bootloaders");
        prefetch.setDaemon(true);
        prefetch.start();
    }

    /** The syslinux installation to copy ISOLINUX from. */
    public SyslinuxInstallation syslinux() throws BadInputException, IOException {
        if (source.kind() == BootloaderSource.Kind.HOST) {
            return SyslinuxInstallation.find(null);
        }
        Path bios = unpack("bios/").resolve("bios");
        return SyslinuxInstallation.at(bios).orElseThrow(() -> new BadInputException(where(), "the bundle has no "
                + "isolinux.bin with an isohdpfx.bin", "Use a nixusb-bootloaders release (the bootloaders option)", null)
                .option("bootloaders"));
    }

    /** GRUB's x86_64 EFI binary, for {@code efi=create}. */
    public Path grubEfi() throws BadInputException, IOException {
        return grubEfi(EfiArch.X64);
    }

    /** GRUB's EFI binary for {@code arch} (x64, ia32 or aa64), for {@code efi=create}. */
    public Path grubEfi(EfiArch arch) throws BadInputException, IOException {
        if (source.kind() == BootloaderSource.Kind.HOST) {
            return GrubEfiLocations.findOnHost(arch);
        }
        String name = grubEntry(arch);
        // only this architecture's GRUB: the others are megabytes to inflate and hash that a remaster does not use
        Path grub = unpack(name).resolve(name);
        if (!Files.isRegularFile(grub)) {
            throw new BadInputException(where(), "the bundle has no " + name + " (GRUB for " + arch.id() + " UEFI)",
                    "Use a nixusb-bootloaders release that has it, take the host's GRUB (bootloaders = host), or list "
                            + "only x64, ia32 and aa64 in efiArchitectures", null).option("bootloaders",
                                    "efiArchitectures");
        }
        return grub;
    }

    /**
     * Where a file came from, for the log: the bundle's coordinates and the Debian package and version of
     * {@code file} (a path from {@link #syslinux} or {@link #grubEfi}), or the file's own path on the host.
     */
    public String describe(Path file) {
        if (unpacked == null || !file.startsWith(unpacked)) {
            return file.toString();
        }
        String rel = unpacked.relativize(file).toString().replace('\\', '/');
        String entry = index.get(rel);
        String pkg = entry == null ? "" : " (Debian " + entry.replaceFirst(" [0-9a-f]{64}$", "") + ")";
        return (artifact != null ? artifact : String.valueOf(source.jar())) + pkg;
    }

    /**
     * The bundle's files whose names start with {@code subdirectory} ({@code bios/}, or one file such as
     * {@code efi/grubx64.efi}), unpacked on first use and checked against the index, in a private temporary
     * directory; only what a remaster uses is unpacked.
     */
    private synchronized Path unpack(String subdirectory) throws BadInputException, IOException {
        if (unpacked == null) {
            unpacked = Files.createTempDirectory("nixusb-bootloaders-");
        }
        if (!done.contains(subdirectory)) {
            if (source.kind() == BootloaderSource.Kind.JAR) {
                try (ZipFile zip = new ZipFile(source.jar().toFile())) {
                    extract(subdirectory, name -> {
                        ZipEntry e = zip.getEntry(name);
                        return e == null ? null : zip.getInputStream(e);
                    });
                } catch (java.util.zip.ZipException e) {
                    throw new BadInputException(source.jar(), "is not a jar file (" + e.getMessage() + ")",
                            "Set the bootloaders option to a nixusb-bootloaders jar, bundled or host")
                            .option("bootloaders");
                }
            } else {
                extract(subdirectory, BootloaderFiles.class.getClassLoader()::getResourceAsStream);
            }
            done.add(subdirectory);
        }
        return unpacked;
    }

    /** Opens an entry of the bundle by its name, or null when it has none. */
    private interface Entries {
        InputStream open(String name) throws IOException;
    }

    private void readIndex(Entries entries) throws IOException, BadInputException {
        byte[] indexBytes;
        try (InputStream in = entries.open(INDEX)) {
            if (in == null) {
                throw source.kind() == BootloaderSource.Kind.JAR
                        ? new BadInputException(source.jar(), "has no " + INDEX + ", so it is not a nixusb-bootloaders "
                                + "bundle", "Set the bootloaders option to a nixusb-bootloaders jar, bundled or host")
                                .option("bootloaders")
                        : new BadInputException("nixusb-bootloaders", "the bundled boot loader files are not on the "
                                + "classpath", "Run the core from nixusb-maven-plugin-<version>-cli.jar (java -jar), which carries "
                                + "them, put org.nixusb:nixusb-bootloaders on the classpath, or take the host's "
                                + "syslinux and GRUB (bootloaders = host)", null).option("bootloaders");
            }
            indexBytes = in.readAllBytes();
        }
        Properties p = new Properties();
        p.load(new ByteArrayInputStream(indexBytes));
        artifact = p.getProperty("artifact");
        Map<String, String> files = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("file.")) {
                String name = key.substring(5);
                if (name.contains("..") || name.startsWith("/")) {
                    throw new BadInputException(where(), "its index names " + name + ", outside the bundle",
                            "Use a nixusb-bootloaders release", null).option("bootloaders");
                }
                files.put(name, p.getProperty(key));
            }
        }
        if (!files.containsKey(ISOLINUX)) {
            throw new BadInputException(where(), "its index names no " + ISOLINUX, "Use a nixusb-bootloaders release", null)
                    .option("bootloaders");
        }
        index = files;
    }

    private void extract(String subdirectory, Entries entries) throws IOException, BadInputException {
        if (index == null) {
            readIndex(entries);
        }
        for (Map.Entry<String, String> e : index.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(subdirectory)) {
                continue;
            }
            byte[] data;
            try (InputStream in = entries.open(PREFIX + name)) {
                if (in == null) {
                    throw new BadInputException(where(), "its index names " + name + ", which it does not hold",
                            "Use a complete nixusb-bootloaders release", null).option("bootloaders");
                }
                data = in.readAllBytes();
            }
            String[] fields = e.getValue().split(" ");
            String want = fields[fields.length - 1];
            String got = sha256(data);
            if (!got.equals(want)) {
                throw new BadInputException(where(), name + " has SHA-256 " + got + ", but its index records " + want,
                        "The bundle is damaged: rebuild or download it again", null).option("bootloaders");
            }
            Path to = unpacked.resolve(name);
            Files.createDirectories(to.getParent());
            Files.write(to, data);
        }
    }

    private String where() {
        return source.kind() == BootloaderSource.Kind.JAR ? source.jar().toString()
                : artifact != null ? artifact : "nixusb-bootloaders";
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = prefetch;
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeUnpacked();
    }

    private synchronized void closeUnpacked() {
        if (unpacked != null) {
            try {
                deleteTree(unpacked);
            } catch (UncheckedIOException | IOException ignored) {
                // a temporary directory: the OS cleans it eventually
            }
            unpacked = null;
            done.clear();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

}
