package org.nixusb.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.nixusb.binary.Bytes;
import org.nixusb.efivars.EfiVariable;
import org.nixusb.efivars.VariableStore;
import org.nixusb.hybrid.Guid;

/** Small firmware data for fuzzing seeds: an 8 KiB authenticated edk2 variable store with two variables. */
public final class FirmwareSeeds {
    private FirmwareSeeds() {
    }

    public static byte[] variableStore() throws Exception {
        byte[] image = new byte[0x2000];
        Arrays.fill(image, (byte) 0xFF);
        Arrays.fill(image, 0, 0x48, (byte) 0);
        System.arraycopy(Guid.toBytes(java.util.UUID.fromString("fff12b8d-7696-4c8b-a985-2747075b4f50")), 0, image,
                16, 16);
        Bytes.put64le(image, 32, image.length);
        System.arraycopy("_FVH".getBytes(StandardCharsets.US_ASCII), 0, image, 40, 4);
        Bytes.put16le(image, 48, 0x48);
        System.arraycopy(Guid.toBytes(java.util.UUID.fromString("aaf32c78-947b-439a-a180-2e144ec37792")), 0, image,
                0x48, 16);
        Bytes.put32le(image, 0x48 + 16, 0x1000);
        image[0x48 + 20] = 0x5A;
        image[0x48 + 21] = (byte) 0xFE;
        Arrays.fill(image, 0x48 + 22, 0x48 + 28, (byte) 0);
        VariableStore s = VariableStore.read(image, Path.of("seed.fd"));
        return s.with(EfiVariable.of("SbatLevel", EfiVariable.SHIM_LOCK, 3, "sbat,1,2024010900\nshim,4\n"
                .getBytes(StandardCharsets.US_ASCII))).with(new EfiVariable("dbx", EfiVariable.IMAGE_SECURITY_DATABASE,
                        0x27, org.nixusb.efivars.SignatureList.write(java.util.List.of(new org.nixusb.efivars.SignatureList(
                        org.nixusb.efivars.SignatureList.SHA256, java.util.List.of(new org.nixusb.efivars.SignatureList
                                .Entry(EfiVariable.GLOBAL, new byte[32]))))), new byte[16])).write();
    }
}
