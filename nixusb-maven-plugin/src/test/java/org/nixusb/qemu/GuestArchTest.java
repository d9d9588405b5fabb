package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.HostPlatform;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * Which machine a boot runs on and how it is started: the arm64 virt machine with AAVMF and its CD-ROM on
 * virtio-scsi, 32-bit OVMF with System Management Mode, the machine chosen from the image's loaders, and the
 * boots nixusb refuses before starting QEMU (a BIOS mode for an arm64 image, a machine the image has no loader for).
 */
class GuestArchTest {
    private static QemuBoot.Settings settings(Path image, BootMode mode, GuestArch arch) {
        return QemuBoot.Settings.builder(image, mode, image.resolveSibling("boot.log")).expect(Pattern.compile("x"))
                .fail(null).timeout(Duration.ofSeconds(1)).memoryMiB(512).accelerator(Accelerator.TCG).arch(arch)
                .build();
    }

    @Test
    void arm64BootsOnTheVirtMachineWithItsCdOnVirtioScsi() {
        Path img = Path.of("/images/a.iso");
        Path[] fw = {Path.of("/usr/share/AAVMF/AAVMF_CODE.fd"), Path.of("/tmp/vars.fd")};
        String cd = String.join(" ", new QemuBoot(BuildLog.SILENT).command(settings(img, BootMode.UEFI_CDROM,
                GuestArch.AARCH64), Path.of("/usr/bin/qemu-system-aarch64"), "tcg", fw));
        assertTrue(cd.startsWith("/usr/bin/qemu-system-aarch64 -accel tcg -machine virt -cpu max -m 512"), cd);
        assertTrue(cd.contains("-device virtio-scsi-pci,id=scsi -drive if=none,id=cd,format=raw,media=cdrom,"
                + "readonly=on,file=/images/a.iso -device scsi-cd,bus=scsi.0,drive=cd,bootindex=0"), cd);
        assertTrue(cd.contains("-device ramfb"), "a display for the screenshots: " + cd);
        assertTrue(!cd.contains("smm") && !cd.contains("ide-cd"), cd);
        String usb = String.join(" ", new QemuBoot(BuildLog.SILENT).command(settings(img, BootMode.UEFI_USB_SECURE,
                GuestArch.AARCH64), Path.of("/usr/bin/qemu-system-aarch64"), "tcg", fw));
        assertTrue(usb.contains("usb-storage,bus=xhci.0,drive=stick") && !usb.contains("smm"),
                "arm64 Secure Boot needs no SMM: " + usb);
    }

    @Test
    void thirtyTwoBitUefiRunsItsSmmFirmwareOnAPc() {
        Path img = Path.of("/images/a.iso");
        Path[] fw = {Path.of("/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd"), Path.of("/tmp/vars.fd")};
        String c = String.join(" ", new QemuBoot(BuildLog.SILENT).command(settings(img, BootMode.UEFI_USB,
                GuestArch.IA32), Path.of("/usr/bin/qemu-system-x86_64"), "tcg", fw));
        assertTrue(c.contains("-machine q35,smm=on") && c.contains("driver=cfi.pflash01,property=secure,value=on"), c);
        // control: the 64-bit machine with plain OVMF has neither
        Path[] plain = {Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"), Path.of("/tmp/vars.fd")};
        String x = String.join(" ", new QemuBoot(BuildLog.SILENT).command(settings(img, BootMode.UEFI_USB,
                GuestArch.X86_64), Path.of("/usr/bin/qemu-system-x86_64"), "tcg", plain));
        assertTrue(x.contains("-machine q35 ") && !x.contains("smm"), x);
    }

    @Test
    void namesAndBinaries() {
        assertNull(GuestArch.parse("auto"));
        assertEquals(GuestArch.AARCH64, GuestArch.parse("arm64"));
        assertEquals(GuestArch.AARCH64, GuestArch.parse("aa64"));
        assertEquals(GuestArch.IA32, GuestArch.parse("i386"));
        assertEquals(GuestArch.X86_64, GuestArch.parse("amd64"));
        assertThrows(IllegalArgumentException.class, () -> GuestArch.parse("riscv64"));
        assertEquals("qemu-system-aarch64", GuestArch.AARCH64.qemuFor("qemu-system-x86_64"));
        assertEquals("/opt/q/bin/qemu-system-aarch64", GuestArch.AARCH64.qemuFor("/opt/q/bin/qemu-system-x86_64"));
        assertEquals("/opt/my-qemu", GuestArch.AARCH64.qemuFor("/opt/my-qemu"));
        assertEquals("qemu-system-x86_64", GuestArch.IA32.qemuFor("qemu-system-x86_64"));
        assertTrue(GuestArch.AARCH64.kvmOn("aarch64") && !GuestArch.AARCH64.kvmOn("amd64"));
        assertTrue(GuestArch.X86_64.kvmOn("amd64") && !GuestArch.X86_64.kvmOn("aarch64"));
    }

    @Test
    void firmwareIsFoundPerMachineAndItsPackageNamedWhenMissing() throws Exception {
        Path root = HostTools.workDir("guest-arch-firmware");
        Files.createDirectories(root.resolve("usr/share/AAVMF"));
        Files.write(root.resolve("usr/share/AAVMF/AAVMF_CODE.fd"), new byte[16]);
        Files.write(root.resolve("usr/share/AAVMF/AAVMF_VARS.fd"), new byte[16]);
        Ovmf.Found f = Ovmf.locate(null, null, false, root.toString(), HostPlatform.DEBIAN, GuestArch.AARCH64);
        assertEquals(root.resolve("usr/share/AAVMF/AAVMF_CODE.fd"), f.code());
        BadInputException secure = assertThrows(BadInputException.class, () -> Ovmf.locate(null, null, true,
                root.toString(), HostPlatform.DEBIAN, GuestArch.AARCH64));
        assertTrue(secure.getMessage().contains("no arm64 Secure Boot UEFI firmware")
                && secure.getMessage().contains("apt-get install qemu-efi-aarch64"), secure.getMessage());
        BadInputException ia32 = assertThrows(BadInputException.class, () -> Ovmf.locate(null, null, false,
                root.toString(), HostPlatform.FEDORA, GuestArch.IA32));
        assertTrue(ia32.getMessage().contains("dnf install edk2-ovmf-ia32"), ia32.getMessage());
        assertTrue(Ovmf.needsSmm(Path.of("OVMF32_CODE_4M.secboot.fd")) && !Ovmf.needsSmm(Path.of("AAVMF_CODE.fd")));
    }

    @Test
    void theMachineComesFromTheImageAndImpossibleBootsAreRefused() throws Exception {
        HostTools.require("xorriso", "mkfs.vfat", "mcopy");
        Path dir = HostTools.workDir("guest-arch-images");
        Path arm = SourceIsos.forArchitectures(dir, "arm", new String[][] {{"BOOTAA64.EFI", "0xaa64"}}, false, true,
                false);
        Path x86 = SourceIsos.forArchitectures(dir, "x86", new String[][] {{"BOOTX64.EFI", "0x8664"}}, true, false,
                true);
        Path both = SourceIsos.forArchitectures(dir, "both", new String[][] {{"BOOTIA32.EFI", "0x14c"},
            {"BOOTAA64.EFI", "0xaa64"}, {"BOOTX64.EFI", "0x8664"}}, true, true, true);
        assertEquals(GuestArch.AARCH64, ImageBootChecks.machineFor(arm, BootMode.UEFI_USB, null));
        assertEquals(GuestArch.X86_64, ImageBootChecks.machineFor(x86, BootMode.UEFI_CDROM, null));
        assertEquals(GuestArch.X86_64, ImageBootChecks.machineFor(both, BootMode.UEFI_USB, null));
        assertEquals(GuestArch.IA32, ImageBootChecks.machineFor(both, BootMode.UEFI_USB, GuestArch.IA32));
        assertEquals(BootMode.UEFI_USB, QemuBoot.defaultMode(arm));
        assertEquals(BootMode.BIOS_USB, QemuBoot.defaultMode(x86));
        BadInputException missing = assertThrows(BadInputException.class,
                () -> ImageBootChecks.machineFor(x86, BootMode.UEFI_USB, GuestArch.AARCH64));
        assertTrue(missing.getMessage().contains("no /EFI/BOOT/BOOTAA64.EFI") && missing.getMessage().contains(
                "its loaders: BOOTX64.EFI (x64)"), missing.getMessage());
        BadInputException bios = assertThrows(BadInputException.class,
                () -> ImageBootChecks.machineFor(arm, BootMode.BIOS_USB, null));
        assertTrue(bios.getMessage().contains("bios-usb cannot boot it: its EFI loaders and kernels are for aa64 only"),
                bios.getMessage());
        BadInputException forcedBios = assertThrows(BadInputException.class,
                () -> ImageBootChecks.machineFor(x86, BootMode.BIOS_CDROM, GuestArch.AARCH64));
        assertTrue(forcedBios.getMessage().contains("x86_64 only"), forcedBios.getMessage());
        BadInputException debug = assertThrows(BadInputException.class,
                () -> ImageBootChecks.machineFor(arm, BootMode.DIRECT, null));
        assertTrue(debug.getMessage().contains("nixusb:debug starts x86_64 kernels"), debug.getMessage());
        // a refused boot starts nothing: QemuBoot.boot throws before it looks for QEMU
        BadInputException viaBoot = assertThrows(BadInputException.class, () -> new QemuBoot(BuildLog.SILENT).boot(
                settings(x86, BootMode.UEFI_USB, GuestArch.AARCH64)));
        assertTrue(viaBoot.getMessage().contains("BOOTAA64.EFI"), viaBoot.getMessage());
        // kernels for a processor no machine nixusb boots runs: every mode is refused
        Path ppc = SourceIsos.foreignKernelCd(dir, "ppc64el", org.nixusb.testing.MadeUpKernels.elfKernel(21, true,
                false), false);
        for (BootMode m : List.of(BootMode.BIOS_USB, BootMode.UEFI_USB, BootMode.UEFI_CDROM)) {
            BadInputException foreign = assertThrows(BadInputException.class, () -> ImageBootChecks.machineFor(ppc, m,
                    null));
            assertTrue(foreign.getMessage().contains("its kernels are for ppc64el and it has no EFI loader"),
                    foreign.getMessage());
        }
    }
}
