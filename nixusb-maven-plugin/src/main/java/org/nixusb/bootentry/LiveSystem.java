package org.nixusb.bootentry;

import java.util.Arrays;
import java.util.List;

/**
 * How a live system's initramfs finds its root, read from the kernel arguments its menu gives, and the argument that
 * makes it find its root inside an ISO file instead (what a {@code loopback.cfg} adds, with GRUB's
 * {@code ${iso_path}}).
 */
public enum LiveSystem {
    /** Debian live-boot ({@code boot=live}): {@code findiso=} names the image file on any medium it can mount. */
    DEBIAN_LIVE_BOOT("Debian live-boot", "findiso=${iso_path}"),
    /** Ubuntu casper ({@code boot=casper}): its iso-scan hook loop-mounts {@code iso-scan/filename=}. */
    CASPER("Ubuntu casper", "iso-scan/filename=${iso_path}"),
    /** dracut's dmsquash-live ({@code root=live:...}, {@code rd.live.image}): its iso-scan module, the same argument. */
    DRACUT_LIVE("dracut live (Fedora, RHEL)", "iso-scan/filename=${iso_path}"),
    /**
     * NixOS's scripted stage 1 ({@code init=/nix/store/...}): {@code findiso=} since 2019 (nixpkgs 20.03); older
     * releases and the systemd initrd lack it, which the menu does not tell.
     */
    NIXOS("NixOS stage 1", "findiso=${iso_path}"),
    /** Anything else: no argument known, so no {@code loopback.cfg}. */
    UNKNOWN("unknown", null);

    private final String description;
    private final String isoFileArg;

    LiveSystem(String description, String isoFileArg) {
        this.description = description;
        this.isoFileArg = isoFileArg;
    }

    public String description() {
        return description;
    }

    /** The argument that makes this kind find its root in the image file, or null when none is known. */
    public String isoFileArg() {
        return isoFileArg;
    }

    /**
     * A kind and why: {@code boot=live in entry 'live'}.
     *
     * @param kind what the menu's entries say
     * @param reason the argument and the entry that said it, or why none did
     */
    public record Found(LiveSystem kind, String reason) {
    }

    /** The kind the menu's entries name, the default entry's first (the first entry that names one wins). */
    public static Found of(BootMenu menu) {
        List<BootEntry> order = new java.util.ArrayList<>();
        BootEntry d = menu.defaultEntry();
        if (d != null) {
            order.add(d);
        }
        menu.entries().stream().filter(e -> e != d).forEach(order::add);
        for (BootEntry e : order) {
            List<String> args = Arrays.asList(e.options().strip().split("\\s+"));
            for (String a : args) {
                LiveSystem k = a.equals("boot=live") ? DEBIAN_LIVE_BOOT : a.equals("boot=casper") ? CASPER
                        : a.startsWith("root=live:") || a.equals("rd.live.image") ? DRACUT_LIVE
                        : a.startsWith("init=/nix/store/") ? NIXOS : null;
                if (k != null) {
                    return new Found(k, a + " in entry '" + e.id() + "'");
                }
            }
        }
        return new Found(UNKNOWN, menu.entries().isEmpty() ? "the menu has no Linux entry"
                : "no entry names boot=live, boot=casper, root=live:, rd.live.image or init=/nix/store/");
    }
}
