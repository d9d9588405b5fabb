package org.nixusb.qemu;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.nixusb.BadInputException;
import org.nixusb.secureboot.SbatLevels;
import org.nixusb.arch.EfiArch;
import org.nixusb.arch.ImageArchitectures;
import org.nixusb.eltorito.BootRecord;
import org.nixusb.eltorito.ElTorito;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.secureboot.EfiPrograms;

/** What a boot needs to know of the image before it starts: where its catalog is, whether its loaders are signed. */
final class ImageBootChecks {
    private ImageBootChecks() {
    }

    /**
     * Which programs of the image's removable-media boot chain carry no Authenticode signature
     * ({@link EfiPrograms#chain}: {@code /EFI/BOOT/BOOT<arch>.EFI} in an El Torito EFI image, and what shim loads
     * beside it), or null when all do (or there is none to check).
     */
    static String unsignedLoaders(Path image) {
        List<String> unsigned = new ArrayList<>();
        try (IsoVolume v = IsoVolume.open(image)) {
            List<ElTorito.EfiImage> readable = ElTorito.read(v).efiImages().stream().filter(ElTorito.EfiImage::readable)
                    .toList();
            List<EfiPrograms.Program> chain = EfiPrograms.chain(EfiPrograms.read(v, readable.stream()
                    .map(ElTorito.EfiImage::fat).toList()));
            for (EfiPrograms.Program p : chain) {
                if (p.signed() || p.problem() != null) {
                    continue;
                }
                long block = readable.get(p.efiImage()).entry().loadLba();
                unsigned.add(p.name().toUpperCase(java.util.Locale.ROOT).startsWith("BOOT")
                        ? "the EFI loader EFI/BOOT/" + p.name().toUpperCase(java.util.Locale.ROOT) + " in the El Torito "
                                + "EFI image at block " + block + " has no Authenticode signature"
                        : "EFI/BOOT/" + p.name() + ", which shim loads, in the El Torito EFI image at block " + block
                                + " has no Authenticode signature");
            }
        } catch (IOException | BadInputException | RuntimeException unreadable) {
            return null;
        }
        return unsigned.isEmpty() ? null : String.join("; ", unsigned);
    }

    /**
     * The chain programs of {@code image} that shim refuses under the SBAT level {@code level} (null: the level the
     * image's own shim writes on its first start), each with its refusal, or null when none is refused or the image
     * cannot be read.
     */
    static String revokedLoaders(Path image, SbatLevels.Level level) {
        return revokedLoaders(image, level, List.of());
    }

    /**
     * {@link #revokedLoaders(Path, SbatLevels.Level)}, and also the chain programs whose Authenticode SHA-256 (hex)
     * {@code dbx} lists.
     */
    static String revokedLoaders(Path image, SbatLevels.Level level, List<String> dbx) {
        List<String> revoked = new ArrayList<>();
        try (IsoVolume v = IsoVolume.open(image)) {
            List<EfiPrograms.Program> chain = EfiPrograms.chain(EfiPrograms.read(v, ElTorito.read(v)
                    .readableEfiImages()));
            SbatLevels.Level applied = level;
            if (applied == null) {
                applied = chain.stream().filter(p -> p.shim() && !p.ownLevels().isEmpty()).map(p -> p.ownLevels().get(0))
                        .findFirst().orElse(null);
            }
            for (EfiPrograms.Program p : applied == null ? List.<EfiPrograms.Program>of() : chain) {
                String refusal = p.sbat() == null ? null : applied.refusal(p.sbat());
                if (refusal != null) {
                    revoked.add(p.where() + " (" + refusal + " in SbatLevel " + applied.date() + ")");
                }
            }
            for (EfiPrograms.Program p : chain) {
                if (p.sha256() != null && dbx.contains(p.sha256())) {
                    revoked.add(p.where() + " (its SHA-256 " + p.sha256() + " in dbx)");
                }
            }
        } catch (IOException | BadInputException | RuntimeException unreadable) {
            return null;
        }
        return revoked.isEmpty() ? null : String.join("; ", revoked);
    }

    /**
     * The machine to boot {@code image} on in {@code mode}: {@code forced}, checked against the image, else the one
     * its UEFI loaders are for (x86_64 first, then aarch64, then ia32; x86_64 when it has none nixusb can read). A
     * BIOS mode runs on a PC, so an image whose loaders and kernels are all for other processors is refused, as is a
     * machine whose removable-media loader the image lacks: neither could boot, so neither is started.
     */
    static GuestArch machineFor(Path image, BootMode mode, GuestArch forced) throws BadInputException {
        ImageArchitectures archs = architectures(image);
        if (archs != null && archs.noPcOrUefiProcessor()) {
            throw new BadInputException(image, "its kernels are for " + archs.names() + " and it has no EFI loader: "
                    + "no machine nixusb boots (a PC with a BIOS or UEFI, an arm64 or 32-bit UEFI machine) can start "
                    + "anything on it", "Boot it on QEMU's machine for its processor yourself, or leave it out of "
                    + "the boot test").option("skipBoot");
        }
        if (!mode.uefi()) {
            if (forced != null && forced != GuestArch.X86_64) {
                throw new BadInputException(image, mode.id() + " boots a PC with a BIOS, which is x86_64 only; "
                        + "nixusb.boot.arch=" + forced.id() + " applies to the UEFI modes", "Boot it in uefi-usb or "
                        + "uefi-cdrom, or set the arch option to auto").option("arch", "mode");
            }
            if (mode == BootMode.DIRECT && archs != null && archs.nonX86Only()) {
                throw new BadInputException(image, "nixusb:debug starts x86_64 kernels on a PC; this image's kernels "
                        + "are for " + archs.names(), "Boot it in uefi-usb or uefi-cdrom with nixusb:boot, whose "
                        + "serial log shows the kernel's messages").option("mode");
            }
            if (archs != null && archs.nonX86Only()) {
                throw new BadInputException(image, mode.id() + " cannot boot it: its EFI loaders and kernels are for "
                        + archs.names() + " only, and a PC BIOS runs x86 code (the image has no BIOS path)",
                        "Boot it in uefi-usb or uefi-cdrom (on the " + archs.names() + " machine), and remove the "
                        + "bios-* modes from the modes option").option("mode", "modes");
            }
            return GuestArch.X86_64;
        }
        Set<EfiArch> uefi = archs == null ? Set.of() : archs.uefi();
        if (forced != null) {
            if (archs != null && !archs.loaders().isEmpty() && !uefi.contains(forced.efi())) {
                throw new BadInputException(image, "nixusb.boot.arch=" + forced.id() + ", but the image has no "
                        + forced.efi().loaderPath() + " in its EFI image (the removable-media loader " + forced.id()
                        + " UEFI firmware starts); its loaders: " + loaders(archs), "Boot it on the machine its "
                        + "loaders are for (the arch option auto), or remaster it with efi=create and "
                        + "efiArchitectures including " + forced.efi().id()).option("arch");
            }
            return forced;
        }
        for (GuestArch g : List.of(GuestArch.X86_64, GuestArch.AARCH64, GuestArch.IA32)) {
            if (uefi.contains(g.efi())) {
                return g;
            }
        }
        return GuestArch.X86_64;
    }

    /** The image's loader and kernel architectures, or null when it is no readable ISO (a raw disk image). */
    static ImageArchitectures architectures(Path image) {
        try (IsoVolume v = IsoVolume.open(image)) {
            return ImageArchitectures.of(v);
        } catch (IOException | BadInputException | RuntimeException notIso) {
            return null;
        }
    }


    private static String loaders(ImageArchitectures archs) {
        return String.join(", ", archs.loaders().stream().map(f -> f.where().substring(f.where().lastIndexOf('/') + 1)
                + " (" + (f.arch() == null ? "unknown" : f.arch().id()) + ")").toList());
    }

    /** Where the image's El Torito catalog is (block), or -1 when it has none. */
    static long catalogBlock(Path image) {
        try (IsoVolume v = IsoVolume.open(image)) {
            return BootRecord.catalogLba(v);
        } catch (IOException | BadInputException notIso) {
            return -1;
        }
    }
}
