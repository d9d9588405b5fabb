package org.nixusb.secureboot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.nixusb.BadInputException;
import org.nixusb.binary.Bytes;
import org.nixusb.efivars.SignatureList;

/**
 * A revocation list ({@code dbx}) a user gives: an EFI signature list file ({@code .esl}), or a signed update as
 * published for the firmware ({@code EFI_VARIABLE_AUTHENTICATION_2}: an {@code EFI_TIME} and a
 * {@code WIN_CERTIFICATE_UEFI_GUID} before the lists; the time stamp is kept, the signature is not checked: a boot
 * with it stands for a PC that applied the update, and lint judges by its hashes).
 *
 * @param lists its signature lists
 * @param timestamp the update's {@code EFI_TIME}, or null for a plain list
 */
public record DbxList(List<SignatureList> lists, byte[] timestamp) {
    public DbxList {
        lists = List.copyOf(lists);
        timestamp = timestamp == null ? null : timestamp.clone();
    }

    @Override
    public byte[] timestamp() {
        return timestamp == null ? null : timestamp.clone();
    }

    /** The SHA-256 hashes it lists, hex. */
    public List<String> sha256Hex() {
        return SignatureList.sha256Hashes(lists).stream().map(h -> HexFormat.of().formatHex(h)).toList();
    }

    public static DbxList read(Path file) throws IOException, BadInputException {
        byte[] b = Files.readAllBytes(file);
        try {
            return new DbxList(SignatureList.read(b), null);
        } catch (IllegalArgumentException notAList) {
            // a signed update: EFI_TIME (16 bytes), then WIN_CERTIFICATE dwLength, wRevision 0x0200,
            // wCertificateType 0x0EF1 (WIN_CERT_TYPE_EFI_GUID)
            if (b.length > 24 && Bytes.u16le(b, 20) == 0x0200 && Bytes.u16le(b, 22) == 0x0EF1) {
                long certLength = Bytes.u32le(b, 16);
                if (certLength >= 24 && 16 + certLength <= b.length) {
                    try {
                        return new DbxList(SignatureList.read(Arrays.copyOfRange(b, (int) (16 + certLength),
                                b.length)), Arrays.copyOf(b, 16));
                    } catch (IllegalArgumentException damaged) {
                        throw new BadInputException(file, "its signature lists are damaged: " + damaged.getMessage(),
                                "Give the update as it was published");
                    }
                }
            }
            throw new BadInputException(file, "is neither an EFI signature list nor a signed dbx update ("
                    + notAList.getMessage() + ")", "Give an .esl file (efi-readvar and cert-to-efi-sig-list make "
                    + "them) or a dbx update .bin as published for the firmware");
        }
    }
}
