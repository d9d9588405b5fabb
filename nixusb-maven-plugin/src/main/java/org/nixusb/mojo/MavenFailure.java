package org.nixusb.mojo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.maven.plugin.MojoFailureException;
import org.nixusb.BadInputException;

/**
 * Turns the core's neutral error into Maven's: the core names the options its cure asks to set as it calls
 * them ({@code efi}, {@code syslinuxDirectory}); the build failure adds how to set each in Maven.
 */
final class MavenFailure {
    /** The core's option names and their user properties. */
    static final Map<String, String> PROPERTIES = new LinkedHashMap<>();

    static {
        for (String remaster : List.of("source", "output", "efi", "implantMd5", "grubEfi", "syslinuxDirectory",
                "image", "force")) {
            PROPERTIES.put(remaster, "nixusb." + remaster);
        }
        PROPERTIES.put("entry", "nixusb.debug.entry");
        PROPERTIES.put("qemu", "nixusb.boot.qemu");
        PROPERTIES.put("ovmfCode", "nixusb.boot.ovmfCode");
        PROPERTIES.put("ovmfVars", "nixusb.boot.ovmfVars");
        PROPERTIES.put("skipBoot", "nixusb.boot.skip");
        PROPERTIES.put("script", "nixusb.boot.script");
        for (String boot : List.of("mode", "modes", "arch", "accel")) {
            PROPERTIES.put(boot, "nixusb.boot." + boot);
        }
    }

    private MavenFailure() {
    }

    static MojoFailureException of(BadInputException e) {
        return new MojoFailureException(message(e), e);
    }

    static String message(BadInputException e) {
        List<String> spelled = e.options().stream().distinct().map(o -> "-D" + PROPERTIES.getOrDefault(o,
                "nixusb." + o) + "=...").collect(Collectors.toList());
        return spelled.isEmpty() ? e.getMessage() : e.getMessage() + " [in Maven: " + String.join(", ", spelled) + "]";
    }
}
