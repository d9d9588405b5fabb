package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.HostPaths;
import org.nixusb.HostPlatform;
import org.nixusb.grub.GrubEfiLocations;
import org.nixusb.syslinux.SyslinuxInstallation;
import org.nixusb.testing.HostTools;

/**
 * QEMU, OVMF, syslinux and GRUB found on each common platform's layout, laid out as a fake file tree under a
 * host root: Debian/Ubuntu, Fedora/RHEL, Arch, openSUSE, NixOS, macOS with Homebrew (Apple silicon and Intel).
 * Each tree holds only that platform's files, so finding them proves the layout is searched; an empty tree
 * gives an error that names the platform's package.
 */
class HostDiscoveryTest {
    private record Platform(String osName, String osRelease, HostPlatform expected, String code, String vars,
            String qemu) {
    }

    private static final List<Platform> PLATFORMS = List.of(
            new Platform("Linux", "ID=debian\n", HostPlatform.DEBIAN, "/usr/share/OVMF/OVMF_CODE_4M.fd",
                    "/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/bin/qemu-system-x86_64"),
            new Platform("Linux", "ID=ubuntu\nID_LIKE=debian\n", HostPlatform.DEBIAN, "/usr/share/OVMF/OVMF_CODE.fd",
                    "/usr/share/OVMF/OVMF_VARS.fd", "/usr/bin/qemu-system-x86_64"),
            new Platform("Linux", "ID=fedora\n", HostPlatform.FEDORA, "/usr/share/edk2/ovmf/OVMF_CODE.fd",
                    "/usr/share/edk2/ovmf/OVMF_VARS.fd", "/usr/bin/qemu-system-x86_64"),
            new Platform("Linux", "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n", HostPlatform.FEDORA,
                    "/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd", "/usr/libexec/qemu-kvm"),
            new Platform("Linux", "ID=arch\n", HostPlatform.ARCH, "/usr/share/edk2/x64/OVMF_CODE.4m.fd",
                    "/usr/share/edk2/x64/OVMF_VARS.4m.fd", "/usr/bin/qemu-system-x86_64"),
            new Platform("Linux", "ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n", HostPlatform.OPENSUSE,
                    "/usr/share/qemu/ovmf-x86_64-code.bin", "/usr/share/qemu/ovmf-x86_64-vars.bin",
                    "/usr/bin/qemu-system-x86_64"),
            new Platform("Linux", "ID=nixos\n", HostPlatform.NIXOS,
                    "/run/current-system/sw/share/qemu/edk2-x86_64-code.fd",
                    "/run/current-system/sw/share/qemu/edk2-i386-vars.fd",
                    "/run/current-system/sw/bin/qemu-system-x86_64"),
            new Platform("Mac OS X", null, HostPlatform.MACOS, "/opt/homebrew/share/qemu/edk2-x86_64-code.fd",
                    "/opt/homebrew/share/qemu/edk2-i386-vars.fd", "/opt/homebrew/bin/qemu-system-x86_64"),
            new Platform("Mac OS X", null, HostPlatform.MACOS, "/usr/local/share/qemu/edk2-x86_64-code.fd",
                    "/usr/local/share/qemu/edk2-i386-vars.fd", "/usr/local/bin/qemu-system-x86_64"));

    @Test
    void eachPlatformsLayoutIsFound() throws Exception {
        Path base = HostTools.workDir("host-discovery");
        int i = 0;
        for (Platform p : PLATFORMS) {
            Path root = base.resolve("root" + i++);
            if (p.osRelease() != null) {
                write(root, "/etc/os-release", p.osRelease());
            }
            write(root, p.code(), "code");
            write(root, p.vars(), "vars");
            Path qemu = write(root, p.qemu(), "#!/bin/sh\n");
            Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwxr-xr-x"));
            String label = p.expected() + " " + p.code();

            assertEquals(p.expected(), HostPlatform.detect(p.osName(), root.toString()), label);
            Ovmf.Found f = Ovmf.locate(null, null, false, root.toString(), p.expected());
            assertEquals(root.resolve(p.code().substring(1)), f.code(), label);
            assertEquals(root.resolve(p.vars().substring(1)), f.vars(), label);
            assertEquals(qemu, QemuLocations.find("qemu-system-x86_64", "", root.toString(), p.expected()), label);
        }
    }

    @Test
    void nothingFoundNamesThePlatformsPackage() throws Exception {
        Path root = HostTools.workDir("host-discovery-empty");
        Map<HostPlatform, String> packages = new LinkedHashMap<>();
        packages.put(HostPlatform.DEBIAN, "apt-get install ovmf");
        packages.put(HostPlatform.FEDORA, "dnf install edk2-ovmf");
        packages.put(HostPlatform.ARCH, "pacman -S edk2-ovmf");
        packages.put(HostPlatform.MACOS, "brew install qemu");
        for (Map.Entry<HostPlatform, String> e : packages.entrySet()) {
            BadInputException ovmf = assertThrows(BadInputException.class,
                    () -> Ovmf.locate(null, null, false, root.toString(), e.getKey()));
            assertTrue(ovmf.getMessage().contains(e.getValue()), ovmf.getMessage());
            BadInputException qemu = assertThrows(BadInputException.class,
                    () -> QemuLocations.find("qemu-system-x86_64", "", root.toString(), e.getKey()));
            assertTrue(qemu.getMessage().contains(QemuLocations.installHint(e.getKey())), qemu.getMessage());
        }
        BadInputException secure = assertThrows(BadInputException.class,
                () -> Ovmf.locate(null, null, true, root.toString(), HostPlatform.DEBIAN));
        assertTrue(secure.getMessage().contains("Secure Boot") && secure.getMessage().contains("apt-get install ovmf"),
                secure.getMessage());
    }

    @Test
    void syslinuxAndGrubOnTheHostAreSearchedUnderTheRootAndHiddenByAnEmptyOne() throws Exception {
        Path base = HostTools.workDir("host-discovery-bootloaders");
        Path real = Path.of("/usr/lib/ISOLINUX/isolinux.bin");
        String old = System.getProperty(HostPaths.ROOT_PROPERTY);
        try {
            Path empty = Files.createDirectories(base.resolve("empty"));
            System.setProperty(HostPaths.ROOT_PROPERTY, empty.toString());
            BadInputException s = assertThrows(BadInputException.class, () -> SyslinuxInstallation.find(null));
            assertTrue(s.getMessage().contains("no syslinux installation found"), s.getMessage());
            BadInputException g = assertThrows(BadInputException.class, GrubEfiLocations::findOnHost);
            assertTrue(g.getMessage().contains("no GRUB x64 EFI image found"), g.getMessage());
            if (!Files.isRegularFile(real)) {
                // the Fedora-style half needs the host's ISOLINUX: never left out without a word, never under CI
                HostTools.unavailable("the Fedora-style syslinux layout is made of the host's " + real
                        + " (Debian package isolinux)");
            } else {
                // a Fedora-style flat /usr/share/syslinux made of this host's files
                Path fedora = base.resolve("fedora");
                Path dir = Files.createDirectories(fedora.resolve("usr/share/syslinux"));
                Files.copy(real, dir.resolve("isolinux.bin"));
                Files.copy(real.resolveSibling("isohdpfx.bin"), dir.resolve("isohdpfx.bin"));
                System.setProperty(HostPaths.ROOT_PROPERTY, fedora.toString());
                assertEquals(dir.resolve("isolinux.bin"), SyslinuxInstallation.find(null).isolinuxBin());
                BadInputException noMemdisk = assertThrows(BadInputException.class,
                        () -> SyslinuxInstallation.find(null).memdisk());
                assertTrue(noMemdisk.getMessage().contains("no memdisk beside it or above it"), noMemdisk.getMessage());
                Files.write(dir.resolve("memdisk"), new byte[] {1});
                assertEquals(dir.resolve("memdisk"), SyslinuxInstallation.find(null).memdisk(), "beside (Fedora)");
                // Debian: /usr/lib/syslinux/memdisk above /usr/lib/ISOLINUX and /usr/lib/syslinux/modules/bios
                Path debian = base.resolve("debian");
                Path iso = Files.createDirectories(debian.resolve("usr/lib/ISOLINUX"));
                Files.createDirectories(debian.resolve("usr/lib/syslinux/modules/bios"));
                Files.copy(real, iso.resolve("isolinux.bin"));
                Files.copy(real.resolveSibling("isohdpfx.bin"), iso.resolve("isohdpfx.bin"));
                Files.write(debian.resolve("usr/lib/syslinux/memdisk"), new byte[] {2});
                System.setProperty(HostPaths.ROOT_PROPERTY, debian.toString());
                assertEquals(debian.resolve("usr/lib/syslinux/memdisk"), SyslinuxInstallation.find(null).memdisk(),
                        "above the modules (Debian)");
            }
        } finally {
            if (old == null) {
                System.clearProperty(HostPaths.ROOT_PROPERTY);
            } else {
                System.setProperty(HostPaths.ROOT_PROPERTY, old);
            }
        }
    }

    private static Path write(Path root, String absolute, String content) throws Exception {
        Path p = root.resolve(absolute.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }
}
