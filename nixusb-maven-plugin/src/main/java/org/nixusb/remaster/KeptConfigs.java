package org.nixusb.remaster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.nixusb.BadInputException;
import org.nixusb.BuildLog;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.iso9660.ImageEdit;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.output.FileContent;
import org.nixusb.output.ImageDelta;

/**
 * The {@code kernelArgs} and {@code serial} options applied to the boot configs a remaster keeps from the source:
 * the ISOLINUX config files of a source that boots with ISOLINUX (every {@code APPEND} of a Linux label, a
 * {@code SERIAL} line), the GRUB configs an EFI loader reads (each {@code linux} line, GRUB's serial terminal),
 * in the tree and inside the El Torito EFI image, and systemd-boot entries inside it (an {@code options} line).
 * Tree files become replaced files of the minimal-diff edit; files inside the EFI image are rewritten in their own
 * clusters, so the FAT and every other byte stay. A signed loader reads these configs unsigned: Secure Boot is
 * unaffected. What cannot take an option is said once, naming the option, the file and why.
 */
final class KeptConfigs {
    /** Kernel images ISOLINUX starts by another way than as Linux: COM32 modules, PXE, boot sectors, COMBOOT. */
    private static final Pattern NOT_LINUX = Pattern.compile("(?i).*\\.(c32|0|bin|bs|bss|com|cbt|img)$|memdisk");
    private static final Pattern INCLUDE = Pattern.compile("(?i)^\\s*(?:menu\\s+)?include\\s+(\\S+)");
    private static final List<String> GRUB_CONFIGS = List.of("/boot/grub/grub.cfg", "/boot/grub2/grub.cfg",
            "/EFI/BOOT/grub.cfg", "/boot/grub/loopback.cfg", "/boot/grub/x86_64-efi/grub.cfg");
    private static final List<String> FAT_GRUB_CONFIGS = List.of("/EFI/BOOT/grub.cfg", "/boot/grub/grub.cfg",
            "/EFI/debian/grub.cfg", "/EFI/ubuntu/grub.cfg", "/EFI/fedora/grub.cfg");
    static final String GRUB_SERIAL = "serial --unit=0 --speed=115200\nterminal_input --append serial\n"
            + "terminal_output --append serial\n";

    /** What to write: tree files by path, patches inside EFI images, and what to say. */
    record Edits(Map<String, byte[]> treeFiles, List<FatFileSystem.Patch> fatPatches, List<String> applied,
            List<String> notApplied, Map<String, byte[]> imageFiles) {
        static final Edits NONE = new Edits(Map.of(), List.of(), List.of(), List.of(), Map.of());

        /**
         * The new content of a file rewritten inside EFI image {@code index} (its FAT path, any case), or null when
         * it is not rewritten.
         */
        byte[] imageFile(int index, String path) {
            return imageFiles.get(imageKey(index, path));
        }

        /**
         * Adds the new tree files to {@code edit} as replaced files with the source's modes, but for those the
         * image directory {@code overlay} holds (its own copy wins).
         */
        void addTo(ImageEdit edit, IsoVolume volume, Path overlay, Instant mtime, BuildLog log) {
            for (Map.Entry<String, byte[]> f : treeFiles.entrySet()) {
                if (overlay != null && Files.exists(overlay.resolve(f.getKey().substring(1)))) {
                    log.info(f.getKey() + " comes from the image directory as it is; kernelArgs/serial are not added");
                    continue;
                }
                IsoEntry e = volume.findIgnoringCase(f.getKey());
                edit.addFile(f.getKey(), FileContent.of(f.getValue()), e != null && e.mode() != null ? e.mode()
                        : SystemUse.S_IFREG | 0444, mtime);
            }
        }

        /**
         * These edits and the remaster's {@code loopback.cfg} (when it writes one), a new tree file added as the
         * changed configs are.
         */
        Edits with(LoopbackFile loopback) {
            if (!loopback.writes()) {
                return this;
            }
            Map<String, byte[]> files = new LinkedHashMap<>(treeFiles);
            files.put(LoopbackFile.PATH, loopback.content());
            return new Edits(files, fatPatches, applied, notApplied, imageFiles);
        }

        /** Writes the changes inside the EFI images into {@code delta}. */
        void patch(ImageDelta delta) {
            for (FatFileSystem.Patch p : fatPatches) {
                delta.write(p.bytes(), p.position());
            }
        }
    }

    private final String args;
    private final boolean serial;
    private final Map<String, byte[]> tree = new LinkedHashMap<>();
    private final List<FatFileSystem.Patch> patches = new ArrayList<>();
    private final List<String> applied = new ArrayList<>();
    private final List<String> notApplied = new ArrayList<>();
    /** the new contents of files rewritten inside the EFI images, by {@link #imageKey} */
    private final Map<String, byte[]> imageFiles = new LinkedHashMap<>();
    /** the EFI image being planned */
    private int imageIndex;

    private KeptConfigs(String kernelArgs, boolean serial) {
        this.args = kernelArgs == null ? "" : kernelArgs.strip();
        this.serial = serial;
    }

    /** Whether ISOLINUX starts this kernel file by another way than as Linux (a COM32 module, MEMDISK, ...). */
    static boolean notLinux(String kernel) {
        return NOT_LINUX.matcher(kernel).matches();
    }

    /** Whether the options ask for anything. */
    static boolean asked(String kernelArgs, boolean serial) {
        return serial || kernelArgs != null && !kernelArgs.isBlank();
    }

    /**
     * Plans the changes.
     *
     * @param isolinuxConfig the ISOLINUX config ISOLINUX reads in the kept tree, or null when ISOLINUX is not kept
     * @param efiImages the kept El Torito EFI images whose files may be rewritten in place (empty: none)
     * @param grubInTree whether GRUB configs in the tree are kept for a loader that reads them
     */
    static Edits edits(IsoVolume v, String isolinuxConfig, List<FatFileSystem> efiImages, boolean grubInTree,
            String kernelArgs, boolean serial) throws IOException, BadInputException {
        KeptConfigs k = new KeptConfigs(kernelArgs, serial);
        if (!asked(kernelArgs, serial)) {
            return Edits.NONE;
        }
        if (isolinuxConfig != null) {
            k.isolinux(v, isolinuxConfig);
        }
        // a loopback.cfg is read by the GRUB of a multi-boot stick, whatever boot path the output keeps: it gets
        // kernelArgs on every route (not serial: that GRUB's terminal is its own)
        KeptConfigs argsOnly = new KeptConfigs(kernelArgs, false);
        for (String p : GRUB_CONFIGS) {
            boolean loopback = p.equals(LoopbackFile.PATH);
            if (grubInTree || loopback) {
                IsoEntry e = v.findIgnoringCase(p);
                if (e != null && !e.isDirectory() && e.size() < 1 << 20 && !k.tree.containsKey(e.path())) {
                    String text = new String(v.read(e), StandardCharsets.UTF_8);
                    String changed = (loopback ? argsOnly : k).grub(text);
                    if (changed != null) {
                        k.tree.put(e.path(), changed.getBytes(StandardCharsets.UTF_8));
                        k.applied.add(e.path());
                    }
                }
            }
        }
        // systemd-boot entries in the tree are what systemd-boot reads on a stick the image's files are copied onto
        k.treeLoaderEntries(v);
        for (int i = 0; i < efiImages.size(); i++) {
            k.imageIndex = i;
            k.efiImage(efiImages.get(i), i);
        }
        return new Edits(k.tree, k.patches, k.applied, k.notApplied, k.imageFiles);
    }

    private void isolinux(IsoVolume v, String main) throws IOException, BadInputException {
        List<String> files = new ArrayList<>();
        collectIncludes(v, main, parent(main), files, 0);
        boolean hasSerial = false;
        Map<String, String> texts = new LinkedHashMap<>();
        for (String f : files) {
            IsoEntry e = v.findIgnoringCase(f);
            String text = new String(v.read(e), StandardCharsets.ISO_8859_1);
            texts.put(e.path(), text);
            hasSerial |= Pattern.compile("(?im)^\\s*serial\\s").matcher(text).find();
        }
        boolean first = true;
        for (Map.Entry<String, String> t : texts.entrySet()) {
            String changed = isolinuxText(t.getValue(), args, serial && !hasSerial && first);
            first = false;
            if (changed != null) {
                tree.put(t.getKey(), changed.getBytes(StandardCharsets.ISO_8859_1));
                applied.add(t.getKey());
            }
        }
    }

    private static void collectIncludes(IsoVolume v, String path, String dir, List<String> out, int depth)
            throws IOException, BadInputException {
        IsoEntry e = v.findIgnoringCase(path);
        if (e == null || e.isDirectory() || e.size() >= 1 << 20 || out.contains(e.path()) || depth > 8) {
            return;
        }
        out.add(e.path());
        for (String line : new String(v.read(e), StandardCharsets.ISO_8859_1).split("\r?\n")) {
            Matcher m = INCLUDE.matcher(line);
            if (m.find()) {
                String inc = m.group(1);
                collectIncludes(v, inc.startsWith("/") ? inc : dir + "/" + inc, dir, out, depth + 1);
            }
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "" : path.substring(0, slash);
    }

    private void treeLoaderEntries(IsoVolume v) throws IOException, BadInputException {
        IsoEntry dir = v.findIgnoringCase("/loader/entries");
        if (dir == null || !dir.isDirectory() || args.isEmpty()) {
            return;
        }
        for (IsoEntry e : dir.children()) {
            if (e.isDirectory() || e.isSymlink() || !e.name().toLowerCase(Locale.ROOT).endsWith(".conf")
                    || e.size() > 1 << 16 || tree.containsKey(e.path())) {
                continue;
            }
            String changed = systemdBootText(new String(v.read(e), StandardCharsets.UTF_8), args);
            if (changed != null) {
                tree.put(e.path(), changed.getBytes(StandardCharsets.UTF_8));
                applied.add(e.path());
            }
        }
    }

    private void efiImage(FatFileSystem fat, int index) throws IOException {
        String where = "the El Torito EFI image" + (index == 0 ? "" : " " + (index + 1));
        List<FatFileSystem.FatEntry> entries = fat.list("/loader/entries");
        if (entries != null) {
            for (FatFileSystem.FatEntry e : entries) {
                if (e.directory() || !e.name().toLowerCase(Locale.ROOT).endsWith(".conf") || e.size() > 1 << 16) {
                    continue;
                }
                String text = new String(fat.readAll(e), StandardCharsets.UTF_8);
                String changed = systemdBootText(text, args);
                if (changed != null) {
                    inPlace(fat, e, changed, where + "!/loader/entries/" + e.name());
                }
            }
            if (serial) {
                notApplied.add("serial: systemd-boot in " + where + " has no serial console setting of its own; "
                        + "its kernels get a serial console from kernelArgs (console=ttyS0)");
            }
        }
        for (String p : FAT_GRUB_CONFIGS) {
            FatFileSystem.FatEntry e = fat.find(p);
            if (e == null || e.directory() || e.size() > 1 << 20) {
                continue;
            }
            String changed = grub(new String(fat.readAll(e), StandardCharsets.UTF_8));
            if (changed != null) {
                inPlace(fat, e, changed, where + "!" + p);
            }
        }
    }

    static String imageKey(int index, String path) {
        return index + ":" + path.toLowerCase(Locale.ROOT);
    }

    private void inPlace(FatFileSystem fat, FatFileSystem.FatEntry e, String content, String name)
            throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        List<FatFileSystem.Patch> p = fat.rewriteInPlace(e, bytes);
        if (p != null) {
            imageFiles.put(imageKey(imageIndex, name.substring(name.indexOf('!') + 1)), bytes);
        }
        if (p == null) {
            notApplied.add(options() + ": " + name + " would need more room than its clusters have, and the EFI "
                    + "image is kept byte for byte otherwise; it is left as it is (efi=create writes a new EFI image "
                    + "with them)");
        } else {
            patches.addAll(p);
            applied.add(name);
        }
    }

    private String options() {
        return args.isEmpty() ? "serial" : serial ? "kernelArgs and serial" : "kernelArgs";
    }

    /** A GRUB config with the arguments on each {@code linux} line and the serial terminal; null when unchanged. */
    String grub(String text) {
        StringBuilder out = new StringBuilder();
        boolean changed = false;
        boolean hasLinux = false;
        for (String line : text.split("(?<=\n)")) {
            String body = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
            String nl = line.substring(body.length());
            String cr = body.endsWith("\r") ? "\r" : "";
            body = body.substring(0, body.length() - cr.length());
            String t = body.stripLeading();
            String cmd = t.split("\\s+", 2)[0];
            if (cmd.equals("linux") || cmd.equals("linuxefi") || cmd.equals("linux16")) {
                hasLinux = true;
                if (!args.isEmpty() && !body.contains(args)) {
                    int close = body.lastIndexOf('}');
                    boolean oneLine = close > 0 && body.indexOf('{') < 0 && body.substring(close + 1).isBlank()
                            && body.substring(0, close).strip().length() > cmd.length();
                    body = oneLine ? body.substring(0, close).stripTrailing() + " " + args + " " + body.substring(close)
                            : body.stripTrailing() + " " + args;
                    changed = true;
                }
            } else if (t.startsWith("menuentry") && t.contains("{") && t.matches(".*\\blinux(efi|16)?\\s.*")) {
                hasLinux = true;
                if (!args.isEmpty() && !body.contains(args)) {
                    int close = body.lastIndexOf('}');
                    if (close > 0) {
                        body = body.substring(0, close).stripTrailing() + " " + args + " " + body.substring(close);
                        changed = true;
                    }
                }
            }
            out.append(body).append(cr).append(nl);
        }
        if (!hasLinux) {
            return null;
        }
        String result = out.toString();
        if (serial && !Pattern.compile("(?m)^\\s*serial\\b").matcher(text).find()) {
            result = GRUB_SERIAL + result;
            changed = true;
        }
        return changed ? result : null;
    }

    /** A systemd-boot entry with the arguments on a new {@code options} line; null when unchanged. */
    static String systemdBootText(String text, String args) {
        if (args.isEmpty() || !Pattern.compile("(?m)^\\s*linux\\s").matcher(text).find()) {
            return null;
        }
        for (String line : text.split("\r?\n")) {
            String t = line.strip();
            if (t.startsWith("options") && t.contains(args)) {
                return null;
            }
        }
        String nl = text.contains("\r\n") ? "\r\n" : "\n";
        return (text.endsWith("\n") || text.isEmpty() ? text : text + nl) + "options " + args + nl;
    }

    /**
     * An ISOLINUX config with the arguments on every Linux label's {@code APPEND} (one added where a label has
     * none and no global one applies) and, when asked, a {@code SERIAL} line first; null when unchanged.
     */
    static String isolinuxText(String text, String args, boolean addSerial) {
        String nl = text.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        boolean changed = false;
        boolean globalAppend = false;
        for (String l : lines) {
            String t = l.strip().toLowerCase(Locale.ROOT);
            if (t.startsWith("label ")) {
                break;
            }
            globalAppend |= t.startsWith("append ");
        }
        if (!args.isEmpty()) {
            boolean inLabel = false;
            boolean linux = false;
            int kernelLine = -1;
            boolean hasAppend = false;
            for (int i = 0; i <= lines.size(); i++) {
                String l = i < lines.size() ? lines.get(i) : "label";
                String t = l.strip();
                String key = t.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
                if (key.equals("label") || i == lines.size()) {
                    if (inLabel && linux && !hasAppend && !globalAppend && kernelLine >= 0) {
                        String indent = lines.get(kernelLine).substring(0, lines.get(kernelLine).length()
                                - lines.get(kernelLine).stripLeading().length());
                        lines.add(kernelLine + 1, indent + "APPEND " + args);
                        i++;
                        changed = true;
                    }
                    inLabel = true;
                    linux = false;
                    kernelLine = -1;
                    hasAppend = false;
                    continue;
                }
                if (key.equals("kernel") || key.equals("linux")) {
                    String[] kv = t.split("\\s+", 2);
                    linux = kv.length == 2 && (key.equals("linux") || !NOT_LINUX.matcher(kv[1].strip()).matches());
                    kernelLine = i;
                } else if (key.equals("append") && (!inLabel || linux)) {
                    hasAppend = inLabel;
                    if (!t.contains(args)) {
                        String value = t.length() > 6 ? t.substring(6).strip() : "";
                        String indent = l.substring(0, l.length() - l.stripLeading().length());
                        lines.set(i, indent + t.substring(0, 6) + " " + (value.equals("-") ? "" : value + " ")
                                + args);
                        changed = true;
                    }
                } else if (key.equals("append")) {
                    hasAppend = true;
                }
            }
        }
        String result = String.join(nl, lines);
        if (addSerial) {
            result = "SERIAL 0 115200" + nl + result;
            changed = true;
        }
        return changed ? result : null;
    }
}
