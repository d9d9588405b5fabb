package org.nixusb.remaster;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What to remaster and how.
 *
 * @param source the CD-only ISO (never modified)
 * @param output where the hybrid image goes (written to a temporary file, then moved into place)
 * @param syslinuxDirectory a syslinux installation to use, or null to find the host's
 * @param kernelArgs appended to every boot entry's command line (may be null)
 * @param serial adds {@code SERIAL 0 115200} to the generated config
 * @param ui "menu", "vesamenu" or "none"
 * @param mbrId the MBR disk id, or null to derive it from the image
 * @param timestamp the time of new entries, or null for the source volume's modification date
 * @param efi "auto" (keep the source's EFI image, create one when there is none), "keep", "create" or "none"
 * @param grubEfi the GRUB EFI binary for {@code efi=create}, or null to find the host's
 * @param implantMd5 implant an isomd5sum checksum into the primary volume descriptor (after the MBR/GPT)
 * @param imageDirectory a directory whose files, directories and symbolic links are added to the image or
 *        replace what is there (modes kept), or null
 * @param syslinuxTemplate a syslinux.cfg template that replaces the generated config, or null
 */
public record RemasterOptions(Path source, Path output, Path syslinuxDirectory, String kernelArgs, boolean serial,
        String ui, Long mbrId, Instant timestamp, String efi, Path grubEfi, boolean implantMd5, Path imageDirectory,
        Path syslinuxTemplate) {

    public RemasterOptions {
        if (ui == null || ui.isBlank()) {
            ui = "menu";
        }
        if (efi == null || efi.isBlank()) {
            efi = "auto";
        }
    }

    public static RemasterOptions of(Path source, Path output) {
        return new RemasterOptions(source, output, null, null, false, "menu", null, null, "auto", null, false, null,
                null);
    }

    public RemasterOptions withSyslinuxDirectory(Path dir) {
        return new RemasterOptions(source, output, dir, kernelArgs, serial, ui, mbrId, timestamp, efi, grubEfi, implantMd5, imageDirectory,
                syslinuxTemplate);
    }

    public RemasterOptions withKernelArgs(String args) {
        return new RemasterOptions(source, output, syslinuxDirectory, args, serial, ui, mbrId, timestamp, efi, grubEfi, implantMd5, imageDirectory,
                syslinuxTemplate);
    }

    public RemasterOptions withSerial(boolean on) {
        return new RemasterOptions(source, output, syslinuxDirectory, kernelArgs, on, ui, mbrId, timestamp, efi, grubEfi, implantMd5, imageDirectory,
                syslinuxTemplate);
    }

    public RemasterOptions withUi(String newUi) {
        return new RemasterOptions(source, output, syslinuxDirectory, kernelArgs, serial, newUi, mbrId, timestamp, efi,
                grubEfi, implantMd5, imageDirectory,
                syslinuxTemplate);
    }

    public RemasterOptions withMbrId(Long id) {
        return new RemasterOptions(source, output, syslinuxDirectory, kernelArgs, serial, ui, id, timestamp, efi, grubEfi, implantMd5, imageDirectory,
                syslinuxTemplate);
    }

    public RemasterOptions withTimestamp(Instant t) {
        return new RemasterOptions(source, output, syslinuxDirectory, kernelArgs, serial, ui, mbrId, t, efi, grubEfi, implantMd5, imageDirectory,
                syslinuxTemplate);
    }

    public RemasterOptions withEfi(String mode) {
        return new RemasterOptions(source, output, syslinuxDirectory, kernelArgs, serial, ui, mbrId, timestamp, mode,
                grubEfi, implantMd5, imageDirectory,
                syslinuxTemplate);
    }

    public RemasterOptions withImplantMd5(boolean on) {
        return new RemasterOptions(source, output, syslinuxDirectory, kernelArgs, serial, ui, mbrId, timestamp, efi,
                grubEfi, on, imageDirectory,
                syslinuxTemplate);
    }

    public RemasterOptions withImageDirectory(Path dir) {
        return new RemasterOptions(source, output, syslinuxDirectory, kernelArgs, serial, ui, mbrId, timestamp, efi,
                grubEfi, implantMd5, dir, syslinuxTemplate);
    }

    public RemasterOptions withSyslinuxTemplate(Path template) {
        return new RemasterOptions(source, output, syslinuxDirectory, kernelArgs, serial, ui, mbrId, timestamp, efi,
                grubEfi, implantMd5, imageDirectory, template);
    }

    public RemasterOptions withGrubEfi(Path grub) {
        return new RemasterOptions(source, output, syslinuxDirectory, kernelArgs, serial, ui, mbrId, timestamp, efi, grub, implantMd5, imageDirectory,
                syslinuxTemplate);
    }
}
