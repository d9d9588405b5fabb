package org.nixusb.arch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.nixusb.bootentry.BootEntry;
import org.nixusb.bootentry.BootMenuFinder;
import org.nixusb.fat.FatFileSystem;
import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.pe.PeImage;

/**
 * The architectures an image is for: the PE machine type of every removable-media EFI loader it holds
 * ({@code /EFI/BOOT/BOOT*.EFI} in its El Torito EFI images and in its ISO tree) and of the kernels its boot menus
 * name (x86 bzImage setup header, arm64 {@code Image} magic, PE stub). What cannot be read is said, never guessed.
 *
 * @param loaders the EFI loaders found
 * @param kernels the menus' kernels found on the medium
 */
public record ImageArchitectures(List<Found> loaders, List<Found> kernels) {
    /** Loaders and kernels are read only this far: the headers are at the start. */
    private static final int HEAD = 4096;

    /**
     * One loader or kernel.
     *
     * @param where its path ({@code efi image 1:/EFI/BOOT/BOOTAA64.EFI} for one inside an EFI image)
     * @param arch what it runs on, or null when its header names no architecture nixusb knows
     * @param detail what the header said (the machine type, or why none was read)
     */
    public record Found(String where, EfiArch arch, String detail, String otherProcessor) {
        public Found(String where, EfiArch arch, String detail) {
            this(where, arch, detail, null);
        }

        /** What it runs on, for people: the architecture's id, another processor's name, or "unknown". */
        public String processor() {
            return arch != null ? arch.id() : otherProcessor != null ? otherProcessor : "unknown";
        }
    }

    /**
     * Reads a volume on its own: the EFI images its El Torito catalog names (those FAT nixusb can open) and every
     * menu {@link BootMenuFinder} finds; a damaged catalog or menu only leaves out what it would have said.
     */
    public static ImageArchitectures of(IsoVolume v) {
        List<FatFileSystem> efi;
        try {
            efi = org.nixusb.eltorito.ElTorito.read(v).readableEfiImages();
        } catch (IOException | RuntimeException unreadable) {
            efi = List.of(); // an EFI image nixusb cannot read says nothing of the architecture
        }
        List<BootMenuFinder.Found> menus;
        try {
            menus = BootMenuFinder.all(v, efi, v.path().getFileName().toString());
        } catch (IOException | RuntimeException | org.nixusb.BadInputException unreadable) {
            menus = List.of();
        }
        return read(v, efi, menus);
    }

    /** Reads the loaders of {@code efiImages} and the tree, and the kernels of {@code menus}. */
    public static ImageArchitectures read(IsoVolume v, List<FatFileSystem> efiImages, List<BootMenuFinder.Found> menus) {
        List<Found> loaders = new ArrayList<>();
        for (int i = 0; i < efiImages.size(); i++) {
            FatFileSystem fat = efiImages.get(i);
            try {
                List<FatFileSystem.FatEntry> dir = fat.list("/EFI/BOOT");
                for (FatFileSystem.FatEntry e : dir == null ? List.<FatFileSystem.FatEntry>of() : dir) {
                    if (!e.directory() && e.name().toUpperCase(java.util.Locale.ROOT).matches("BOOT.*\\.EFI")) {
                        String where = "EFI image " + (i + 1) + ":/EFI/BOOT/" + e.name();
                        loaders.add(loader(where, e.name(), fat.readHead(e, HEAD)));
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                loaders.add(new Found("EFI image " + (i + 1), null, "unreadable: " + unreadable.getMessage()));
            }
        }
        IsoEntry boot = v.findIgnoringCase("/EFI/BOOT");
        if (boot != null && boot.isDirectory()) {
            for (IsoEntry e : boot.children()) {
                if (!e.isDirectory() && e.name().toUpperCase(java.util.Locale.ROOT).matches("BOOT.*\\.EFI")) {
                    loaders.add(loader(e.path(), e.name(), headOf(v, e)));
                }
            }
        }
        List<Found> kernels = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (BootMenuFinder.Found m : menus) {
            for (BootEntry b : m.menu().entries()) {
                String key = m.efiImage() + ":" + b.kernel();
                if (b.kernel() == null || b.kernel().isBlank() || !seen.add(key)) {
                    continue;
                }
                byte[] head = null;
                String where = b.kernel();
                try {
                    if (m.efiImage() >= 0 && m.efiImage() < efiImages.size()) {
                        FatFileSystem fat = efiImages.get(m.efiImage());
                        FatFileSystem.FatEntry f = fat.find(b.kernel());
                        where = "EFI image " + (m.efiImage() + 1) + ":" + b.kernel();
                        head = f == null || f.directory() ? null : fat.readHead(f, HEAD);
                    } else {
                        IsoEntry f = v.findIgnoringCase(b.kernel());
                        head = f == null || f.isDirectory() ? null : headOf(v, f);
                    }
                } catch (IOException | RuntimeException unreadable) {
                    head = null;
                }
                if (head == null) {
                    continue; // a kernel not on the medium says nothing of the medium's architecture
                }
                KernelHeader h = KernelHeader.read(head);
                EfiArch a = h.arch();
                String other = h.otherProcessor();
                kernels.add(new Found(where, a, other != null ? (h.armZImage() ? "32-bit ARM zImage"
                        : "ELF, machine " + h.elfMachine()) + ": neither a PC BIOS nor UEFI starts it"
                        : a == null ? "no x86 setup header, arm64 or RISC-V Image magic, ELF header or EFI stub"
                        : h.peMachine() != 0 ? "EFI stub, machine " + String.format("0x%04x", h.peMachine())
                        : h.arm64Image() ? "arm64 Image header" : h.riscvImage() ? "RISC-V Image header"
                        : h.bzImage() ? "x86 bzImage setup header" : "ELF, machine " + h.elfMachine(), other));
            }
        }
        return new ImageArchitectures(List.copyOf(loaders), List.copyOf(kernels));
    }

    private static Found loader(String where, String name, byte[] head) {
        int machine = PeImage.machine(head);
        if (machine == 0) {
            return new Found(where, null, "not a PE image");
        }
        EfiArch a = EfiArch.ofMachine(machine);
        EfiArch named = EfiArch.ofLoaderName(name);
        String detail = String.format("machine 0x%04x", machine) + (a != null && named != null && a != named
                ? ", but its name is for " + named.id() + ": firmware of either architecture will not run it" : "");
        return new Found(where, a, detail);
    }

    private static byte[] headOf(IsoVolume v, IsoEntry e) {
        try {
            if (e.extents().isEmpty()) {
                return new byte[0];
            }
            IsoEntry.Extent x = e.extents().get(0);
            return v.image().read(x.lba() * ImageFile.BLOCK, (int) Math.min(HEAD, Math.min(e.size(), x.length())),
                    e.path());
        } catch (IOException | RuntimeException | org.nixusb.BadInputException unreadable) {
            return new byte[0];
        }
    }

    /** Every architecture a loader or kernel was found for, in {@link EfiArch}'s order. */
    public Set<EfiArch> all() {
        Set<EfiArch> s = java.util.EnumSet.noneOf(EfiArch.class);
        loaders.stream().map(Found::arch).filter(a -> a != null).forEach(s::add);
        kernels.stream().map(Found::arch).filter(a -> a != null).forEach(s::add);
        return s;
    }

    /** The architectures of loaders whose name and machine agree: what UEFI firmware boots the image on. */
    public Set<EfiArch> uefi() {
        Set<EfiArch> s = java.util.EnumSet.noneOf(EfiArch.class);
        for (Found f : loaders) {
            String name = f.where().substring(f.where().lastIndexOf('/') + 1);
            if (f.arch() != null && f.arch() == EfiArch.ofLoaderName(name)) {
                s.add(f.arch());
            }
        }
        return s;
    }

    /** The processors of kernels that neither a PC BIOS nor UEFI starts (ppc64el, s390x, ...), in the menus' order. */
    public Set<String> otherProcessors() {
        Set<String> s = new LinkedHashSet<>();
        kernels.stream().map(Found::otherProcessor).filter(p -> p != null).forEach(s::add);
        return s;
    }

    /**
     * Whether the image is for other processors than x86 only: some loader or kernel has a known processor and
     * none is x86. Such an image gets no BIOS path. An image of which nothing could be read is taken as x86.
     */
    public boolean nonX86Only() {
        Set<EfiArch> a = all();
        return (!a.isEmpty() || !otherProcessors().isEmpty()) && a.stream().noneMatch(EfiArch::x86);
    }

    /**
     * Whether nothing on the image is for a processor that a PC BIOS or UEFI firmware starts: its kernels are for
     * others (an OpenPOWER, s390x or SPARC medium) and it has no EFI loader or kernel nixusb can place.
     */
    public boolean noPcOrUefiProcessor() {
        return !otherProcessors().isEmpty() && all().isEmpty();
    }

    /** The processors found, for people: "aa64", "x64+aa64", "ppc64el". */
    public String names() {
        List<String> n = new ArrayList<>(all().stream().map(EfiArch::id).toList());
        n.addAll(otherProcessors());
        return n.isEmpty() ? "unknown" : String.join("+", n);
    }

    /** The architectures a created GRUB EFI path is for when none are configured: the image's, else x64. */
    public List<EfiArch> defaultGrubArchitectures() {
        List<EfiArch> l = new ArrayList<>();
        for (EfiArch a : all()) {
            if (a == EfiArch.X64 || a == EfiArch.AA64 || a == EfiArch.IA32) {
                l.add(a);
            }
        }
        if (l.contains(EfiArch.IA32) && !uefi().contains(EfiArch.IA32)) {
            l.remove(EfiArch.IA32); // ia32 kernels are rare; an x86 kernel does not ask for 32-bit UEFI by itself
        }
        return l.isEmpty() ? List.of(EfiArch.X64) : l;
    }

    /** One line for the log: "EFI loaders: aa64 (EFI image 1:/EFI/BOOT/BOOTAA64.EFI); kernels: aa64 (/boot/Image)". */
    public String summary() {
        return "EFI loaders: " + list(loaders) + "; kernels: " + list(kernels);
    }

    private static String list(List<Found> l) {
        if (l.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (Found f : l) {
            parts.add(f.processor() + " (" + f.where() + (f.arch() == null
                    || f.detail().contains("but") ? ": " + f.detail() : "") + ")");
        }
        return String.join(", ", parts);
    }
}
