package org.nixusb.remaster;

import java.nio.file.Path;
import java.time.Instant;

import org.nixusb.arch.EfiArch;
import org.nixusb.bootloader.BootloaderSource;
import org.nixusb.hybrid.StickLayout;
import org.nixusb.syslinux.MenuUi;

/**
 * What to remaster and how. Start from {@link #of} and change what differs with the {@code with}
 * methods (each returns a new value).
 *
 * @param source the CD-only ISO (never modified)
 * @param output where the hybrid image goes (written to a temporary file, then moved into place)
 * @param syslinuxDirectory a syslinux installation to use, or null for {@code bootloaders}'
 * @param kernelArgs appended to every boot entry's command line (may be null)
 * @param serial adds {@code SERIAL 0 115200} to the generated config
 * @param ui the syslinux menu
 * @param mbrId the MBR disk id, or null to derive it from the image
 * @param timestamp the time of new entries, or null for the source volume's modification date
 * @param efi what to do for UEFI ({@link EfiMode})
 * @param grubEfi the GRUB EFI binary for {@code efi=create}, or null for {@code bootloaders}'
 * @param implantMd5 implant an isomd5sum checksum into the primary volume descriptor (after the MBR/GPT)
 * @param imageDirectory a directory whose files, directories and symbolic links are added to the image or
 *        replace what is there (modes kept), or null
 * @param syslinuxTemplate a syslinux.cfg template that replaces the generated config, or null
 * @param sha256 compute the output's SHA-256 ({@link RemasterResult#sha256()}), while the source is copied
 * @param isolinuxDirectory where the ISOLINUX files go (an absolute image path), or null for the first free
 *        place ISOLINUX searches: /isolinux, /boot/isolinux, /syslinux, /boot/syslinux, /
 * @param efiImagePath where a created EFI image goes (an absolute image path), or null for the first free
 *        of /boot/efi.img, /boot/nixusb-efi.img, /nixusb-efi.img, /nixusb-efi-2.img, ...
 * @param bootloaders where ISOLINUX and GRUB come from when {@code syslinuxDirectory} and {@code grubEfi} do
 *        not say: the bundled, pinned files by default
 * @param efiArchitectures the architectures a created GRUB EFI path is for (x64, ia32, aa64), or null for the
 *        image's own ({@link org.nixusb.arch.ImageArchitectures#defaultGrubArchitectures})
 * @param layout the partition tables the image gets ({@link StickLayout}; isohybrid's by default)
 * @param loopback whether a {@code /boot/grub/loopback.cfg} is written ({@link LoopbackMode}; {@code auto} by default)
 * @param efiTree whether the EFI image's files are put into the ISO tree where it lacks them ({@link EfiTree}; on by
 *        default)
 */
public record RemasterOptions(Path source, Path output, Path syslinuxDirectory, String kernelArgs, boolean serial,
        MenuUi ui, Long mbrId, Instant timestamp, EfiMode efi, Path grubEfi, boolean implantMd5, Path imageDirectory,
        Path syslinuxTemplate, boolean sha256, String isolinuxDirectory, String efiImagePath,
        BootloaderSource bootloaders, java.util.List<EfiArch> efiArchitectures, StickLayout layout,
        LoopbackMode loopback, boolean efiTree) {

    public RemasterOptions {
        if (ui == null) {
            ui = MenuUi.MENU;
        }
        if (efi == null) {
            efi = EfiMode.AUTO;
        }
        if (bootloaders == null) {
            bootloaders = BootloaderSource.BUNDLED;
        }
        efiArchitectures = efiArchitectures == null || efiArchitectures.isEmpty() ? null
                : java.util.List.copyOf(efiArchitectures);
        if (layout == null) {
            layout = StickLayout.ISOHYBRID;
        }
        if (loopback == null) {
            loopback = LoopbackMode.AUTO;
        }
    }

    public RemasterOptions withEfiTree(boolean on) {
        Builder b = builder();
        b.efiTree = on;
        return b.build();
    }

    public RemasterOptions withLoopback(LoopbackMode mode) {
        Builder b = builder();
        b.loopback = mode;
        return b.build();
    }

    public RemasterOptions withLayout(StickLayout l) {
        Builder b = builder();
        b.layout = l;
        return b.build();
    }

    public RemasterOptions withEfiArchitectures(java.util.List<EfiArch> archs) {
        Builder b = builder();
        b.efiArchitectures = archs;
        return b.build();
    }

    public static RemasterOptions of(Path source, Path output) {
        return new Builder(source, output).build();
    }

    public RemasterOptions withSyslinuxDirectory(Path dir) {
        Builder b = builder();
        b.syslinuxDirectory = dir;
        return b.build();
    }

    public RemasterOptions withKernelArgs(String args) {
        Builder b = builder();
        b.kernelArgs = args;
        return b.build();
    }

    public RemasterOptions withSerial(boolean on) {
        Builder b = builder();
        b.serial = on;
        return b.build();
    }

    public RemasterOptions withUi(MenuUi newUi) {
        Builder b = builder();
        b.ui = newUi;
        return b.build();
    }

    public RemasterOptions withMbrId(Long id) {
        Builder b = builder();
        b.mbrId = id;
        return b.build();
    }

    public RemasterOptions withTimestamp(Instant t) {
        Builder b = builder();
        b.timestamp = t;
        return b.build();
    }

    public RemasterOptions withEfi(EfiMode mode) {
        Builder b = builder();
        b.efi = mode;
        return b.build();
    }

    /** {@link #withEfi(EfiMode)} with the mode as users write it ({@link EfiMode#parse}). */
    public RemasterOptions withEfi(String mode) {
        return withEfi(EfiMode.parse(mode));
    }

    public RemasterOptions withGrubEfi(Path grub) {
        Builder b = builder();
        b.grubEfi = grub;
        return b.build();
    }

    public RemasterOptions withImplantMd5(boolean on) {
        Builder b = builder();
        b.implantMd5 = on;
        return b.build();
    }

    public RemasterOptions withImageDirectory(Path dir) {
        Builder b = builder();
        b.imageDirectory = dir;
        return b.build();
    }

    public RemasterOptions withSyslinuxTemplate(Path template) {
        Builder b = builder();
        b.syslinuxTemplate = template;
        return b.build();
    }

    public RemasterOptions withSha256(boolean on) {
        Builder b = builder();
        b.sha256 = on;
        return b.build();
    }

    public RemasterOptions withIsolinuxDirectory(String imagePath) {
        Builder b = builder();
        b.isolinuxDirectory = imagePath;
        return b.build();
    }

    public RemasterOptions withEfiImagePath(String imagePath) {
        Builder b = builder();
        b.efiImagePath = imagePath;
        return b.build();
    }

    public RemasterOptions withBootloaders(BootloaderSource source) {
        Builder b = builder();
        b.bootloaders = source;
        return b.build();
    }

    private Builder builder() {
        Builder b = new Builder(source, output);
        b.copyFrom(this);
        return b;
    }

    /** The fields of a value being made; defaults as in {@link #of}. */
    private static final class Builder {
        private final Path source;
        private final Path output;
        private Path syslinuxDirectory;
        private String kernelArgs;
        private boolean serial;
        private MenuUi ui = MenuUi.MENU;
        private Long mbrId;
        private Instant timestamp;
        private EfiMode efi = EfiMode.AUTO;
        private Path grubEfi;
        private boolean implantMd5;
        private Path imageDirectory;
        private Path syslinuxTemplate;
        private boolean sha256;
        private String isolinuxDirectory;
        private String efiImagePath;
        private BootloaderSource bootloaders = BootloaderSource.BUNDLED;
        private java.util.List<EfiArch> efiArchitectures;
        private StickLayout layout = StickLayout.ISOHYBRID;
        private LoopbackMode loopback = LoopbackMode.AUTO;
        private boolean efiTree = true;

        private Builder(Path source, Path output) {
            this.source = source;
            this.output = output;
        }

        private void copyFrom(RemasterOptions o) {
            syslinuxDirectory = o.syslinuxDirectory;
            kernelArgs = o.kernelArgs;
            serial = o.serial;
            ui = o.ui;
            mbrId = o.mbrId;
            timestamp = o.timestamp;
            efi = o.efi;
            grubEfi = o.grubEfi;
            implantMd5 = o.implantMd5;
            imageDirectory = o.imageDirectory;
            syslinuxTemplate = o.syslinuxTemplate;
            sha256 = o.sha256;
            isolinuxDirectory = o.isolinuxDirectory;
            efiImagePath = o.efiImagePath;
            bootloaders = o.bootloaders;
            efiArchitectures = o.efiArchitectures;
            layout = o.layout;
            loopback = o.loopback;
            efiTree = o.efiTree;
        }

        private RemasterOptions build() {
            return new RemasterOptions(source, output, syslinuxDirectory, kernelArgs, serial, ui, mbrId, timestamp, efi,
                    grubEfi, implantMd5, imageDirectory, syslinuxTemplate, sha256, isolinuxDirectory, efiImagePath,
                    bootloaders, efiArchitectures, layout, loopback, efiTree);
        }
    }
}
