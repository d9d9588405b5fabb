package org.nixusb.qemu;

import java.util.List;
import java.util.Locale;

import org.nixusb.arch.EfiArch;

/**
 * The virtual machine a boot runs on: a 64-bit PC ({@code qemu-system-x86_64}, SeaBIOS or 64-bit OVMF), a PC with
 * 32-bit UEFI (the same QEMU with OVMF built for ia32, so that {@code BOOTIA32.EFI} is what boots), or QEMU's
 * arm64 {@code virt} machine ({@code qemu-system-aarch64 -M virt -cpu max} with AAVMF).
 */
public enum GuestArch {
    X86_64("x86_64", EfiArch.X64, "qemu-system-x86_64", "ttyS0"),
    IA32("ia32", EfiArch.IA32, "qemu-system-x86_64", "ttyS0"),
    AARCH64("aarch64", EfiArch.AA64, "qemu-system-aarch64", "ttyAMA0");

    private final String id;
    private final EfiArch efi;
    private final String qemu;
    private final String console;

    GuestArch(String id, EfiArch efi, String qemu, String console) {
        this.id = id;
        this.efi = efi;
        this.qemu = qemu;
        this.console = console;
    }

    public String id() {
        return id;
    }

    /** The UEFI architecture whose removable-media loader this machine's firmware starts. */
    public EfiArch efi() {
        return efi;
    }

    /** The QEMU system emulator's name. */
    public String qemu() {
        return qemu;
    }

    /** The Linux serial console device of the machine's first serial port. */
    public String console() {
        return console;
    }

    /** The machine for an EFI architecture, or null when nixusb boots none for it. */
    public static GuestArch of(EfiArch a) {
        for (GuestArch g : values()) {
            if (g.efi == a) {
                return g;
            }
        }
        return null;
    }

    /** Parses {@code auto} (null), {@code x86_64}, {@code aarch64}, {@code ia32} and their other spellings. */
    public static GuestArch parse(String s) {
        String n = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
        if (n.isEmpty() || n.equals("auto")) {
            return null;
        }
        try {
            GuestArch g = of(EfiArch.parse(n));
            if (g != null) {
                return g;
            }
        } catch (IllegalArgumentException unknown) {
            // said below
        }
        throw new IllegalArgumentException("unknown architecture '" + s + "' (known: auto, x86_64, aarch64, ia32)");
    }

    /**
     * The QEMU binary to run: this machine's emulator when {@code configured} is the x86_64 default, the same place's
     * aarch64 emulator for a configured x86_64 path, else what was configured.
     */
    String qemuFor(String configured) {
        if (configured == null || configured.isBlank() || configured.equals(X86_64.qemu)) {
            return qemu;
        }
        int slash = Math.max(configured.lastIndexOf('/'), configured.lastIndexOf('\\'));
        String name = configured.substring(slash + 1);
        if (this == AARCH64 && name.startsWith(X86_64.qemu)) {
            return configured.substring(0, slash + 1) + qemu + name.substring(X86_64.qemu.length());
        }
        return configured;
    }

    /** QEMU's machine arguments for a mode. */
    List<String> machineArgs(BootMode mode, boolean smm) {
        return switch (this) {
            case X86_64 -> List.of("-machine", smm ? "q35,smm=on" : mode.uefi() ? "q35" : "pc");
            case IA32 -> List.of("-machine", smm ? "q35,smm=on" : "q35");
            case AARCH64 -> List.of("-machine", "virt", "-cpu", "max");
        };
    }

    /** Whether this machine runs at native speed with KVM on a host of {@code hostArch} ({@code os.arch}). */
    boolean kvmOn(String hostArch) {
        String h = hostArch == null ? "" : hostArch.toLowerCase(Locale.ROOT);
        boolean x86Host = h.equals("amd64") || h.equals("x86_64");
        return this == AARCH64 ? h.equals("aarch64") || h.equals("arm64") : x86Host;
    }
}
