package org.nixusb.qemu;

import java.nio.file.Path;
import java.util.List;

/** How the image is attached to the virtual machine, and which firmware boots it. */
public enum BootMode {
    /** A USB mass-storage stick on an xHCI controller, booted by SeaBIOS. */
    BIOS_USB("bios-usb", false),
    /** An IDE hard disk, booted by SeaBIOS. */
    BIOS_HDD("bios-hdd", false),
    /** An IDE CD-ROM, booted by SeaBIOS through El Torito. */
    BIOS_CDROM("bios-cdrom", false),
    /** A USB stick booted by OVMF (UEFI). */
    UEFI_USB("uefi-usb", true),
    /** A CD-ROM booted by OVMF through the El Torito EFI entry. */
    UEFI_CDROM("uefi-cdrom", true),
    /** {@code uefi-usb} with Secure Boot enforced and Microsoft's keys enrolled (OVMF with SMM, q35). */
    UEFI_USB_SECURE("uefi-usb-secure", true),
    /** {@code uefi-cdrom} with Secure Boot enforced and Microsoft's keys enrolled; the CD on AHCI. */
    UEFI_CDROM_SECURE("uefi-cdrom-secure", true),
    /**
     * A FAT32 USB stick holding the image's files, as Rufus's ISO mode and a copy by hand make one
     * ({@link FatCopyStick}), booted by OVMF: proves the UEFI loader is in the tree and the system finds its root there.
     */
    UEFI_FAT_COPY("uefi-fat-copy", true),
    /**
     * The same FAT32 stick with the image's ISOLINUX installed on it as SYSLINUX (as Rufus does for such media),
     * booted by SeaBIOS.
     */
    BIOS_FAT_COPY("bios-fat-copy", false),
    /**
     * The image as a file on a FAT32 multi-boot stick, booted by GRUB through the image's own
     * {@code /boot/grub/loopback.cfg} ({@link LoopbackStick}), under OVMF.
     */
    UEFI_LOOPBACK("uefi-loopback", true),
    /** The same multi-boot stick with an i386-pc GRUB in its MBR and the gap before its partition, under SeaBIOS. */
    BIOS_LOOPBACK("bios-loopback", false),
    /** nixusb:debug: the kernel comes from -kernel; the image is only attached, as a USB stick. */
    DIRECT("direct", false);

    private final String id;
    private final boolean uefi;

    BootMode(String id, boolean uefi) {
        this.id = id;
        this.uefi = uefi;
    }

    public String id() {
        return id;
    }

    public boolean uefi() {
        return uefi;
    }

    public static BootMode parse(String s) {
        for (BootMode m : values()) {
            if (m.id.equalsIgnoreCase(s.strip())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown boot mode '" + s + "' (known: " + String.join(", ",
                java.util.Arrays.stream(values()).map(BootMode::id).toList()) + ")");
    }

    /** Parses a comma-separated list. */
    public static List<BootMode> parseList(String s) {
        return java.util.Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty())
                .map(BootMode::parse).distinct().toList();
    }

    /** The modes that attach the image as a disk (a USB stick or a hard disk), booted from its partition table. */
    public boolean disk() {
        return this == BIOS_USB || this == UEFI_USB || this == BIOS_HDD || this == UEFI_USB_SECURE;
    }

    /** Booted with Secure Boot enforced. */
    public boolean secure() {
        return this == UEFI_USB_SECURE || this == UEFI_CDROM_SECURE;
    }

    /** A stick made of the image's files, not of the image ({@link FatCopyStick}). */
    public boolean fatCopy() {
        return this == UEFI_FAT_COPY || this == BIOS_FAT_COPY;
    }

    /** A multi-boot stick holding the image as a file ({@link LoopbackStick}). */
    public boolean loopback() {
        return this == UEFI_LOOPBACK || this == BIOS_LOOPBACK;
    }

    /** A UEFI stick: its layout is checked and its El Torito catalog masked. */
    public boolean uefiStick() {
        return this == UEFI_USB || this == UEFI_USB_SECURE;
    }

    /**
     * QEMU arguments that attach the image; writes never reach it (snapshot or read-only). A disk mode
     * attaches {@code disk}, a qcow2 overlay over the image ({@link Qcow2Overlay}), when it is given.
     */
    List<String> deviceArgs(Path image, Path disk) {
        return deviceArgs(image, disk, GuestArch.X86_64);
    }

    /**
     * As {@link #deviceArgs(Path, Path)} on {@code arch}'s machine: the arm64 virt machine has no IDE, so a CD-ROM
     * goes on virtio-scsi (which AAVMF boots from) and a stick on xHCI as on a PC.
     */
    List<String> deviceArgs(Path image, Path disk, GuestArch arch) {
        if (arch == GuestArch.AARCH64 && (this == UEFI_CDROM || this == UEFI_CDROM_SECURE)) {
            String file = image.toAbsolutePath().toString().replace(",", ",,");
            return List.of("-device", "virtio-scsi-pci,id=scsi", "-drive",
                    "if=none,id=cd,format=raw,media=cdrom,readonly=on,file=" + file,
                    "-device", "scsi-cd,bus=scsi.0,drive=cd,bootindex=0");
        }
        String file = (disk != null && (disk() || fatCopy() || loopback()) ? disk : image).toAbsolutePath().toString()
                .replace(",", ",,");
        String format = disk != null && disk() ? "qcow2" : "raw";
        return switch (this) {
            case BIOS_USB, UEFI_USB, UEFI_USB_SECURE, UEFI_FAT_COPY, BIOS_FAT_COPY, UEFI_LOOPBACK, BIOS_LOOPBACK -> List.of(
                    "-device",
                    "qemu-xhci,id=xhci",
                    "-drive", "if=none,id=stick,format=" + format + ",snapshot=on,file=" + file,
                    "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=0");
            case DIRECT -> List.of("-device", "qemu-xhci,id=xhci",
                    "-drive", "if=none,id=stick,format=raw,snapshot=on,file=" + file,
                    "-device", "usb-storage,bus=xhci.0,drive=stick");
            case BIOS_HDD -> List.of("-drive", "if=none,id=disk,format=" + format + ",snapshot=on,file=" + file,
                    "-device", "ide-hd,drive=disk,bootindex=0");
            case BIOS_CDROM, UEFI_CDROM, UEFI_CDROM_SECURE -> List.of("-drive",
                    "if=none,id=cd,format=raw,media=cdrom,readonly=on,file=" + file,
                    "-device", "ide-cd,drive=cd,bootindex=0");
        };
    }

    List<String> deviceArgs(Path image) {
        return deviceArgs(image, null);
    }
}
