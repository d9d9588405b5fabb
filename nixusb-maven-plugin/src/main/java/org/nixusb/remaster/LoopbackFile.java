package org.nixusb.remaster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenu;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.bootentry.LiveSystem;
import org.nixusb.grub.GrubConfig;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;

/**
 * The {@code /boot/grub/loopback.cfg} of an output: what a GRUB on a multi-boot stick reads after it mounted the image
 * file as its root ({@code loopback loop FILE}, {@code export iso_path}). Written from the image's own menu (the same
 * entries and default) with the argument that makes the image's initramfs find its root inside the file, decided by
 * the live system the entries name ({@link LiveSystem}); none when the source has its own file (kept, and given
 * {@code kernelArgs} by {@link KeptConfigs}), when its live system is not one nixusb can tell that, or when asked not
 * to. Decided once per route; the route adds the file with its other tree files.
 *
 * @param content the file to write, or null when none is written
 * @param kind the live system found (UNKNOWN when none was, or nothing was read)
 * @param line what was decided and why, for the log: one line
 */
record LoopbackFile(byte[] content, LiveSystem kind, String line) {
    /** Where GRUB's loopback convention looks for it. */
    static final String PATH = "/boot/grub/loopback.cfg";

    /** Whether a file is written. */
    boolean writes() {
        return content != null;
    }

    /** The file as text, or null. */
    String text() {
        return content == null ? null : new String(content, StandardCharsets.UTF_8);
    }

    static LoopbackFile none(String why) {
        return new LoopbackFile(null, LiveSystem.UNKNOWN, "loopback.cfg: none (" + why + ")");
    }

    /**
     * Decides for a route that writes the image's tree.
     *
     * @param v the source
     * @param mode the option
     * @param menu the menu the output's boot loaders show, with each entry's files where the output's tree has them
     *        (an entry whose kernel or initrd the tree lacks is left out), or null when the output has no Linux menu
     * @param origin where the menu was read, for the file's header
     * @param kernelArgs the option, added to every entry as the other menus get it
     * @param added the paths the route adds to the tree (files copied out of an EFI image), which count as present
     */
    static LoopbackFile decide(IsoVolume v, LoopbackMode mode, BootMenu menu, String origin, String kernelArgs,
            Set<String> added) {
        if (mode == LoopbackMode.NONE) {
            return none("loopback=none");
        }
        IsoEntry own = v.findIgnoringCase(PATH);
        if (own != null && !own.isDirectory()) {
            return new LoopbackFile(null, LiveSystem.UNKNOWN, "loopback.cfg: the source's own " + own.path()
                    + " is kept" + (kernelArgs == null || kernelArgs.isBlank() ? "" : " (with kernelArgs)"));
        }
        if (menu == null || menu.entries().isEmpty()) {
            return none("the image has no Linux boot menu to make one from");
        }
        org.nixusb.iso9660.ImageEdit.Slot slot = new org.nixusb.iso9660.ImageEdit(v).slot(PATH);
        if (slot != org.nixusb.iso9660.ImageEdit.Slot.FREE) {
            return none("the source has a " + (slot == org.nixusb.iso9660.ImageEdit.Slot.DIRECTORY ? "directory"
                    : "file") + " in the way of " + PATH);
        }
        LiveSystem.Found found = LiveSystem.of(menu);
        String arg = found.kind().isoFileArg();
        if (arg == null) {
            return none("no argument is known that makes this image's initramfs find its root in an ISO file: "
                    + found.reason());
        }
        List<BootEntry> kept = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (BootEntry e : menu.entries()) {
            if (KeptConfigs.notLinux(e.kernel()) || !present(v, e.kernel(), added)
                    || !e.initrds().stream().allMatch(i -> present(v, i, added))) {
                left.add(e.id());
            } else {
                kept.add(withoutArg(e, arg));
            }
        }
        if (kept.isEmpty()) {
            return none("no entry's kernel and initrds are files of the ISO tree, where a GRUB that mounted the image "
                    + "reads them");
        }
        String def = kept.stream().anyMatch(e -> e.id().equals(menu.defaultId())) ? menu.defaultId()
                : kept.get(0).id();
        BootMenu loopback = new BootMenu(List.copyOf(kept), def, menu.timeoutSeconds());
        String text = new GrubConfig(false, kernelArgs).forLoopback(arg).render(loopback, v.volumeId(), origin);
        return new LoopbackFile(text.getBytes(StandardCharsets.UTF_8), found.kind(), "loopback.cfg: " + PATH
                + " written from " + origin + " (" + kept.size() + " entr" + (kept.size() == 1 ? "y" : "ies")
                + (left.isEmpty() ? "" : "; left out, their files not in the tree: " + String.join(", ", left))
                + "): " + found.kind().description() + " (" + found.reason() + ") finds its root in the image file with "
                + arg + (found.kind() == LiveSystem.NIXOS ? " (NixOS 20.03 and later; an older stage 1 ignores it and "
                + "needs a medium labelled " + v.volumeId() + ")" : ""));
    }

    /**
     * The entry without arguments of the same name as {@code arg} ({@code findiso=...}): a menu that names the
     * argument with a variable its own GRUB leaves unset reads as {@code findiso=}, which would come first.
     */
    private static BootEntry withoutArg(BootEntry e, String arg) {
        String key = arg.substring(0, arg.indexOf('=') + 1);
        String options = java.util.Arrays.stream(e.options().strip().split("\\s+"))
                .filter(a -> !a.startsWith(key)).collect(java.util.stream.Collectors.joining(" "));
        return options.equals(e.options().strip()) ? e
                : new BootEntry(e.id(), e.title(), e.kernel(), e.initrds(), options, e.origin());
    }

    /**
     * The menu of the source that a route keeping the source's boot loaders shows, with its files resolved in the
     * tree: {@code preferred} kind first (the loader the output boots from), then systemd-boot entries, a GRUB menu,
     * an ISOLINUX menu. Null when the source has none.
     */
    static BootMenuFinder.Found sourceMenu(List<BootMenuFinder.Found> menus, BootMenuFinder.Kind preferred) {
        if (menus == null) {
            return null;
        }
        List<BootMenuFinder.Kind> order = new ArrayList<>();
        if (preferred != null) {
            order.add(preferred);
        }
        order.addAll(List.of(BootMenuFinder.Kind.SYSTEMD_BOOT, BootMenuFinder.Kind.SYSTEMD_BOOT_EFI_IMAGE,
                BootMenuFinder.Kind.GRUB, BootMenuFinder.Kind.ISOLINUX));
        for (BootMenuFinder.Kind k : order) {
            for (BootMenuFinder.Found f : menus) {
                if (f.kind() == k && !f.menu().entries().isEmpty()) {
                    return f;
                }
            }
        }
        return null;
    }

    /** The menu with each entry's files named as the tree has them (exactly, else ignoring case); others as they are. */
    static BootMenu inTree(IsoVolume v, BootMenu menu) {
        List<BootEntry> out = new ArrayList<>();
        for (BootEntry e : menu.entries()) {
            out.add(new BootEntry(e.id(), e.title(), treePath(v, e.kernel()), e.initrds().stream()
                    .map(i -> treePath(v, i)).toList(), e.options(), e.origin()));
        }
        return new BootMenu(List.copyOf(out), menu.defaultId(), menu.timeoutSeconds());
    }

    private static String treePath(IsoVolume v, String path) {
        IsoEntry e = file(v, path);
        return e == null ? path : e.path();
    }

    private static IsoEntry file(IsoVolume v, String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        IsoEntry e = v.find(path);
        if (e == null) {
            e = v.findIgnoringCase(path);
        }
        return e == null || e.isDirectory() ? null : e;
    }

    private static boolean present(IsoVolume v, String path, Set<String> added) {
        return added.contains(path) || file(v, path) != null;
    }
}
