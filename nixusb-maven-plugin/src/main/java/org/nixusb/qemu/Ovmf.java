package org.nixusb.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.nixusb.BadInputException;

/** Finds OVMF, the UEFI firmware for QEMU: a read-only code image and a variable store template. */
public final class Ovmf {
    /** Code and vars pairs, as distributions install them. */
    static final String[][] CANDIDATES = {
        {"/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"}, // Debian 12+, Ubuntu 22.04+
        {"/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"}, // older Debian, Ubuntu
        {"/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd"}, // Fedora
        {"/usr/share/edk2/x64/OVMF_CODE.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd"}, // Arch
        {"/usr/share/qemu/ovmf-x86_64-code.bin", "/usr/share/qemu/ovmf-x86_64-vars.bin"}, // openSUSE
    };

    /**
     * Secure Boot pairs: the code image built with SMM and Secure Boot, and a variable store with
     * Microsoft's keys enrolled (so that a Microsoft-signed shim runs) and Secure Boot on.
     */
    static final String[][] SECURE_CANDIDATES = {
        {"/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"}, // Debian 12+, Ubuntu 22.04+
        {"/usr/share/OVMF/OVMF_CODE.secboot.fd", "/usr/share/OVMF/OVMF_VARS.ms.fd"}, // older Debian, Ubuntu
        {"/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd", "/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd"}, // Fedora
        {"/usr/share/edk2/x64/OVMF_CODE.secboot.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd"}, // Arch (keys?)
        {"/usr/share/qemu/ovmf-x86_64-smm-ms-code.bin", "/usr/share/qemu/ovmf-x86_64-smm-ms-vars.bin"}, // openSUSE
    };

    private Ovmf() {
    }

    /** @return {code, vars} for Secure Boot with Microsoft's keys */
    public static Path[] findSecure(Path code, Path vars) throws BadInputException {
        if (code != null || vars != null) {
            return find(code, vars);
        }
        List<String> searched = new ArrayList<>();
        for (String[] c : SECURE_CANDIDATES) {
            if (Files.isRegularFile(Path.of(c[0])) && Files.isRegularFile(Path.of(c[1]))) {
                return new Path[] {Path.of(c[0]), Path.of(c[1])};
            }
            searched.add(c[0] + " with " + c[1]);
        }
        throw new BadInputException("OVMF", "no Secure Boot UEFI firmware for QEMU with Microsoft's keys found; searched "
                + String.join(", ", searched), "Install it (Debian/Ubuntu: apt-get install ovmf; Fedora: dnf install "
                        + "edk2-ovmf) or set the ovmfCode and ovmfVars options to a Secure Boot pair", null)
                .option("ovmfCode", "ovmfVars");
    }

    /** @return {code, vars} */
    public static Path[] find(Path code, Path vars) throws BadInputException {
        if (code != null || vars != null) {
            if (code == null || vars == null || !Files.isRegularFile(code) || !Files.isRegularFile(vars)) {
                throw new BadInputException(String.valueOf(code == null ? vars : code),
                        "OVMF needs both an existing code image and a variable store template",
                        "Set the ovmfCode and ovmfVars options to existing files, or neither", null)
                        .option("ovmfCode", "ovmfVars");
            }
            return new Path[] {code, vars};
        }
        List<String> searched = new ArrayList<>();
        for (String[] c : CANDIDATES) {
            if (Files.isRegularFile(Path.of(c[0])) && Files.isRegularFile(Path.of(c[1]))) {
                return new Path[] {Path.of(c[0]), Path.of(c[1])};
            }
            searched.add(c[0]);
        }
        throw new BadInputException("OVMF", "no UEFI firmware for QEMU found; searched " + String.join(", ", searched),
                "Install it (Debian/Ubuntu: apt-get install ovmf; Fedora: dnf install edk2-ovmf; Arch: pacman -S "
                        + "edk2-ovmf) or set the ovmfCode and ovmfVars options", null).option("ovmfCode", "ovmfVars");
    }
}
