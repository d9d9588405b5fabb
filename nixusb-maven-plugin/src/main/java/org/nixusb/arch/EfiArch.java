package org.nixusb.arch;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The processor architectures UEFI firmware boots, each with the PE/COFF machine type of its EFI programs and
 * the removable-media loader name firmware looks for ({@code /EFI/BOOT/BOOT<suffix>.EFI}).
 */
public enum EfiArch {
    X64(0x8664, "X64", "x86_64", "x64", "x86_64", "amd64", "x86-64"),
    IA32(0x14c, "IA32", "i386", "ia32", "i386", "i686", "x86"),
    AA64(0xaa64, "AA64", "arm64", "aa64", "aarch64", "arm64"),
    RISCV64(0x5064, "RISCV64", "riscv64", "riscv64"),
    LOONGARCH64(0x6264, "LOONGARCH64", "loongarch64", "loongarch64");

    private final int machine;
    private final String suffix;
    private final String grubPlatform;
    private final List<String> names;

    EfiArch(int machine, String suffix, String grubCpu, String... names) {
        this.machine = machine;
        this.suffix = suffix;
        this.grubPlatform = grubCpu + "-efi";
        this.names = List.of(names);
    }

    /** The PE/COFF machine type. */
    public int machine() {
        return machine;
    }

    /** {@code BOOTX64.EFI}, {@code BOOTAA64.EFI}, ...: the name firmware boots from removable media. */
    public String loaderName() {
        return "BOOT" + suffix + ".EFI";
    }

    /** The removable-media loader's path. */
    public String loaderPath() {
        return "/EFI/BOOT/" + loaderName();
    }

    /** GRUB's platform directory name ({@code x86_64-efi}, {@code arm64-efi}, {@code i386-efi}). */
    public String grubPlatform() {
        return grubPlatform;
    }

    /** The short name ({@code x64}, {@code ia32}, {@code aa64}, ...). */
    public String id() {
        return names.get(0);
    }

    /** Whether a PC BIOS runs this architecture's code: x86, 64 or 32 bits. */
    public boolean x86() {
        return this == X64 || this == IA32;
    }

    /** The architecture of a PE machine type, or null for one nixusb does not name. */
    public static EfiArch ofMachine(int machine) {
        for (EfiArch a : values()) {
            if (a.machine == machine) {
                return a;
            }
        }
        return null;
    }

    /** The architecture a loader's file name says ({@code BOOTAA64.EFI}: aa64), or null. */
    public static EfiArch ofLoaderName(String name) {
        for (EfiArch a : values()) {
            if (a.loaderName().equalsIgnoreCase(name)) {
                return a;
            }
        }
        return null;
    }

    /** Parses a name: x64, x86_64, amd64; ia32, i386; aa64, aarch64, arm64; riscv64; loongarch64. */
    public static EfiArch parse(String s) {
        String n = s.strip().toLowerCase(Locale.ROOT);
        for (EfiArch a : values()) {
            if (a.names.contains(n)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown architecture '" + s + "' (known: x64, ia32, aa64, riscv64, "
                + "loongarch64, or x86_64, i386, aarch64, arm64)");
    }

    /** Parses a comma-separated list, keeping its order, without repeats. */
    public static List<EfiArch> parseList(String s) {
        return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).map(EfiArch::parse)
                .distinct().toList();
    }

    /** The machine type as the report prints it. */
    public static String describeMachine(int machine) {
        EfiArch a = ofMachine(machine);
        return a == null ? String.format("unknown machine 0x%04x", machine) : a.id();
    }
}
