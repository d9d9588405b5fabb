package org.nixusb.bootloader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.syslinux.SyslinuxInstallation;
import org.nixusb.testing.HostTools;

/**
 * The bundled boot loaders: every file the index names is there with its recorded SHA-256 (checked here
 * independently of the reader), ISOLINUX is a complete installation, the log names the bundle and each file's
 * Debian package, the unpacked copy is gone after close; a bundle jar with one changed byte, or without an
 * index, is refused with the jar's name and a cure.
 */
class BootloaderFilesTest {
    private static byte[] resource(String name) throws Exception {
        try (InputStream in = BootloaderFilesTest.class.getClassLoader().getResourceAsStream(name)) {
            assertTrue(in != null, name + " is on the test classpath (org.nixusb:nixusb-bootloaders)");
            return in.readAllBytes();
        }
    }

    @Test
    void theBundleIsCompleteAndMatchesItsIndex() throws Exception {
        Properties index = new Properties();
        index.load(new java.io.ByteArrayInputStream(resource(BootloaderFiles.INDEX)));
        assertTrue(index.getProperty("artifact").startsWith("org.nixusb:nixusb-bootloaders:"), index.toString());
        int files = 0;
        for (String key : index.stringPropertyNames()) {
            if (key.startsWith("file.")) {
                files++;
                String[] f = index.getProperty(key).split(" ");
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(resource(BootloaderFiles.PREFIX + key.substring(5))));
                assertEquals(f[2], sha, key);
            }
        }
        assertEquals(11, files, "isolinux.bin, isohdpfx.bin, five modules, memdisk and GRUB for x64, ia32 and aa64");
        assertTrue(resource(BootloaderFiles.PREFIX + "SOURCES.txt").length > 0);

        Path unpacked;
        try (BootloaderFiles b = BootloaderFiles.of(BootloaderSource.BUNDLED)) {
            SyslinuxInstallation s = b.syslinux();
            assertTrue(s.banner().startsWith("ISOLINUX 6."), s.banner());
            assertEquals(5, s.modulesFor(org.nixusb.syslinux.MenuUi.MENU).size() + 1, "ldlinux, libcom32, libutil, menu");
            assertArrayEquals(resource(BootloaderFiles.PREFIX + "bios/isolinux.bin"), Files.readAllBytes(s.isolinuxBin()));
            // MEMDISK of the same release, a Linux boot protocol image ("HdrS") that ISOLINUX starts like a kernel
            byte[] memdisk = Files.readAllBytes(s.memdisk());
            assertArrayEquals(resource(BootloaderFiles.PREFIX + "bios/memdisk"), memdisk);
            assertTrue(org.nixusb.arch.KernelHeader.read(memdisk).bzImage(), "memdisk has a setup header");
            String where = b.describe(s.isolinuxBin());
            assertTrue(where.startsWith("org.nixusb:nixusb-bootloaders:") && where.contains("(Debian isolinux 3:6.04"),
                    where);
            Path grub = b.grubEfi();
            assertArrayEquals(resource(BootloaderFiles.PREFIX + BootloaderFiles.GRUB), Files.readAllBytes(grub));
            assertTrue(b.describe(grub).contains("grub-efi-amd64-bin 2.06"), b.describe(grub));
            for (org.nixusb.arch.EfiArch a : List.of(org.nixusb.arch.EfiArch.X64, org.nixusb.arch.EfiArch.IA32,
                    org.nixusb.arch.EfiArch.AA64)) {
                Path g = b.grubEfi(a);
                assertEquals(a.machine(), org.nixusb.pe.PeImage.machine(Files.readAllBytes(g)), a + ": " + g);
            }
            assertTrue(b.describe(b.grubEfi(org.nixusb.arch.EfiArch.AA64)).contains("grub-efi-arm64-bin 2.06"));
            BadInputException none = assertThrows(BadInputException.class,
                    () -> b.grubEfi(org.nixusb.arch.EfiArch.RISCV64));
            assertTrue(none.getMessage().contains("the bundle has no efi/grubriscv64.efi"), none.getMessage());
            unpacked = grub.getParent().getParent();
        }
        assertFalse(Files.exists(unpacked), "close deletes the unpacked files");
    }

    @Test
    void aDamagedOrForeignJarIsRefused() throws Exception {
        Path dir = HostTools.workDir("bootloader-jars");
        Path good = copyBundle(dir.resolve("good.jar"), false);
        try (BootloaderFiles b = BootloaderFiles.of(BootloaderSource.jar(good))) {
            assertTrue(b.describe(b.syslinux().isolinuxBin()).contains("isolinux"));
        }
        Path damaged = copyBundle(dir.resolve("damaged.jar"), true);
        try (BootloaderFiles b = BootloaderFiles.of(BootloaderSource.jar(damaged))) {
            BadInputException e = assertThrows(BadInputException.class, b::syslinux);
            assertTrue(e.getMessage().contains("damaged.jar") && e.getMessage().contains("SHA-256"), e.getMessage());
        }
        Path foreign = dir.resolve("foreign.jar");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(foreign))) {
            z.putNextEntry(new ZipEntry("hello.txt"));
            z.write("hi".getBytes());
        }
        try (BootloaderFiles b = BootloaderFiles.of(BootloaderSource.jar(foreign))) {
            BadInputException e = assertThrows(BadInputException.class, b::grubEfi);
            assertTrue(e.getMessage().contains("foreign.jar") && e.getMessage().contains("not a nixusb-bootloaders"),
                    e.getMessage());
        }
        BadInputException e = assertThrows(BadInputException.class, () -> BootloaderSource.parse("no/such.jar"));
        assertTrue(e.getMessage().contains("bundled"), e.getMessage());
        assertEquals(BootloaderSource.HOST, BootloaderSource.parse("host"));
        assertEquals(BootloaderSource.BUNDLED, BootloaderSource.parse(" "));
        assertTrue(BootloaderSource.isCoordinates("org.nixusb:nixusb-bootloaders:0.2.0"));
        assertFalse(BootloaderSource.isCoordinates("C:\\bundles\\b.jar"), "a Windows path is not coordinates");
        assertFalse(BootloaderSource.isCoordinates("/a:b:c.jar"));
        assertFalse(BootloaderSource.isCoordinates("host"));
    }

    /** The bundle's entries in a jar of their own, with one byte of isolinux.bin changed when asked. */
    private static Path copyBundle(Path jar, boolean damage) throws Exception {
        Properties index = new Properties();
        byte[] indexBytes = resource(BootloaderFiles.INDEX);
        index.load(new java.io.ByteArrayInputStream(indexBytes));
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(BootloaderFiles.INDEX));
            z.write(indexBytes);
            for (String key : index.stringPropertyNames()) {
                if (!key.startsWith("file.")) {
                    continue;
                }
                String name = BootloaderFiles.PREFIX + key.substring(5);
                byte[] data = resource(name);
                if (damage && name.endsWith("isolinux.bin")) {
                    data[100] ^= 1;
                }
                z.putNextEntry(new ZipEntry(name));
                z.write(data);
            }
        }
        return jar;
    }
}
