package org.nixusb.syslinux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.nixusb.BadInputException;
import org.nixusb.HostPaths;

/**
 * One syslinux installation's BIOS files: isolinux.bin, the matching isohybrid MBR template
 * (isohdpfx.bin) and the COM32 modules. All files always come from one installation: mixing
 * versions fails at boot ("Failed to load ldlinux.c32").
 */
public final class SyslinuxInstallation {
    private static final Pattern BANNER = Pattern.compile("ISOLINUX (\\d+)\\.(\\d+)[^\\x00]*");

    /** Where distributions put syslinux: each candidate is a list of directories searched together. */
    public static List<List<Path>> defaultCandidates() {
        List<List<Path>> c = new ArrayList<>();
        c.add(List.of(HostPaths.of("/usr/lib/ISOLINUX"), HostPaths.of("/usr/lib/syslinux/modules/bios"))); // Debian
        c.add(List.of(HostPaths.of("/usr/share/syslinux"))); // Fedora, RHEL, openSUSE
        c.add(List.of(HostPaths.of("/usr/lib/syslinux/bios"))); // Arch
        String home = System.getProperty("user.home");
        if (home != null) {
            c.add(List.of(HostPaths.of(Path.of(home, ".nix-profile/share/syslinux").toString()))); // Nix profile
        }
        c.add(List.of(HostPaths.of("/run/current-system/sw/share/syslinux"))); // NixOS
        c.add(List.of(HostPaths.of("/usr/lib/syslinux"))); // older Debian/Ubuntu flat layout
        return c;
    }

    private final Path isolinuxBin;
    private final Path isohdpfx;
    private final Map<String, Path> modules;
    private final String banner;
    private final int major;
    private final int minor;
    private final Path memdisk;

    private SyslinuxInstallation(Path isolinuxBin, Path isohdpfx, Map<String, Path> modules, String banner, int major,
            int minor, Path memdisk) {
        this.isolinuxBin = isolinuxBin;
        this.isohdpfx = isohdpfx;
        this.modules = modules;
        this.memdisk = memdisk;
        this.banner = banner;
        this.major = major;
        this.minor = minor;
    }

    /**
     * Finds the installation: in {@code configured} (searched recursively, EFI directories skipped) when
     * it is given, else in the distributions' usual places.
     */
    public static SyslinuxInstallation find(Path configured) throws BadInputException, IOException {
        if (configured != null) {
            if (!Files.isDirectory(configured)) {
                throw new BadInputException(configured, "the configured syslinux directory does not exist",
                        "Point the syslinuxDirectory option at a directory holding isolinux.bin, isohdpfx.bin and the "
                                + "BIOS .c32 modules, or remove it to use the host's syslinux").option("syslinuxDirectory");
            }
            List<Path> dirs;
            try (Stream<Path> s = Files.walk(configured, 4)) {
                dirs = s.filter(Files::isDirectory)
                        .filter(p -> !configured.relativize(p).toString().toLowerCase().contains("efi"))
                        .sorted().toList();
            }
            Optional<SyslinuxInstallation> found = tryDirectories(dirs);
            if (found.isEmpty()) {
                throw new BadInputException(configured, "no isolinux.bin with a matching isohdpfx.bin found in it or "
                        + "below it", "Point the syslinuxDirectory option at a syslinux BIOS installation (it must hold "
                        + "isolinux.bin, isohdpfx.bin, and for syslinux 5 and later ldlinux.c32, libcom32.c32, "
                        + "libutil.c32 and menu.c32)").option("syslinuxDirectory");
            }
            return found.get();
        }
        List<String> searched = new ArrayList<>();
        for (List<Path> candidate : defaultCandidates()) {
            Optional<SyslinuxInstallation> found = tryDirectories(candidate);
            if (found.isPresent()) {
                return found.get();
            }
            searched.add(candidate.toString());
        }
        throw new BadInputException("syslinux", "no syslinux installation found; searched " + String.join(", ", searched),
                "Take the bundled files (bootloaders = bundled, the default), install syslinux (Debian/Ubuntu: "
                        + "apt-get install isolinux syslinux-common; Fedora: dnf install syslinux; Arch: pacman -S "
                        + "syslinux; Nix: nix-env -iA nixpkgs.syslinux) or set the syslinuxDirectory option", null)
                        .option("bootloaders", "syslinuxDirectory");
    }

    /** The installation whose files are all in {@code dir}, if it holds one. */
    public static Optional<SyslinuxInstallation> at(Path dir) throws IOException, BadInputException {
        return tryDirectories(List.of(dir));
    }

    private static Optional<SyslinuxInstallation> tryDirectories(List<Path> dirs) throws IOException, BadInputException {
        Path bin = firstFile(dirs, "isolinux.bin");
        Path mbr = firstFile(dirs, "isohdpfx.bin");
        if (bin == null || mbr == null) {
            return Optional.empty();
        }
        byte[] content = Files.readAllBytes(bin);
        Matcher m = BANNER.matcher(new String(content, StandardCharsets.ISO_8859_1));
        if (!m.find()) {
            throw new BadInputException(bin, "no \"ISOLINUX x.yy\" banner in this isolinux.bin, so its version "
                    + "is unknown", "Use the isolinux.bin of a syslinux release (3.72 or later)");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        Map<String, Path> modules = new LinkedHashMap<>();
        for (String name : List.of("ldlinux.c32", "libcom32.c32", "libutil.c32", "menu.c32", "vesamenu.c32")) {
            Path p = firstFile(dirs, name);
            if (p != null) {
                modules.put(name, p);
            }
        }
        // MEMDISK sits beside the modules (the bundle, Fedora, Arch) or above them (Debian: /usr/lib/syslinux/memdisk
        // over /usr/lib/syslinux/modules/bios)
        Path memdisk = firstFile(dirs, "memdisk");
        for (int up = 1; memdisk == null && up <= 2; up++) {
            List<Path> parents = new ArrayList<>();
            for (Path d : dirs) {
                Path p = d;
                for (int i = 0; i < up && p != null; i++) {
                    p = p.getParent();
                }
                if (p != null) {
                    parents.add(p);
                }
            }
            memdisk = firstFile(parents, "memdisk");
        }
        return Optional.of(new SyslinuxInstallation(bin, mbr, modules, m.group().strip(), major, minor, memdisk));
    }

    private static Path firstFile(List<Path> dirs, String name) {
        for (Path d : dirs) {
            Path p = d.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    public Path isolinuxBin() {
        return isolinuxBin;
    }

    public Path isohdpfx() {
        return isohdpfx;
    }

    /**
     * MEMDISK, which ISOLINUX starts like a kernel to boot a floppy or hard disk image from RAM.
     *
     * @throws BadInputException when this installation has none, naming the package that has it
     */
    public Path memdisk() throws BadInputException {
        if (memdisk == null) {
            throw new BadInputException(isolinuxBin.getParent(), banner + " found, but no memdisk beside it or above it "
                    + "(MEMDISK boots the source's El Torito disk image)", "Take the bundled files (bootloaders = "
                    + "bundled, the default), install syslinux's memdisk (Debian/Ubuntu: apt-get install "
                    + "syslinux-common; Fedora: dnf install syslinux) or set the syslinuxDirectory option to an "
                    + "installation that has it").option("bootloaders", "syslinuxDirectory");
        }
        return memdisk;
    }

    /** "ISOLINUX 6.04 20200816" */
    public String banner() {
        return banner;
    }

    public String version() {
        return major + "." + (minor < 10 ? "0" + minor : String.valueOf(minor));
    }

    public int major() {
        return major;
    }

    /** True from 5.00 on, where isolinux.bin needs ldlinux.c32 and modules are ELF with library deps. */
    public boolean splitCore() {
        return major >= 5;
    }

    /**
     * The modules to copy beside isolinux.bin for a config using {@code ui} ("menu", "vesamenu" or "none").
     *
     * @throws BadInputException naming the missing file and the package to install
     */
    public Map<String, Path> modulesFor(MenuUi ui) throws BadInputException {
        List<String> names = new ArrayList<>();
        if (splitCore()) {
            names.add("ldlinux.c32");
            names.add("libcom32.c32");
            names.add("libutil.c32");
        }
        if (ui == MenuUi.MENU) {
            names.add("menu.c32");
        } else if (ui == MenuUi.VESAMENU) {
            names.add("vesamenu.c32");
        }
        Map<String, Path> out = new LinkedHashMap<>();
        for (String n : names) {
            Path p = modules.get(n);
            if (p == null) {
                throw new BadInputException(isolinuxBin.getParent(), banner + " found, but its " + n
                        + " is missing (it must come from the same installation)",
                        "Install the BIOS modules (Debian/Ubuntu: apt-get install syslinux-common) or set "
                                + "the syslinuxDirectory option to a complete installation").option("syslinuxDirectory");
            }
            out.put(n, p);
        }
        return out;
    }
}
