package org.nixusb.efivars;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.binary.Bytes;
import org.nixusb.testing.HostTools;

/**
 * The edk2 variable store: Debian's Secure Boot template reads (its keys are certificates openssl reads), a written
 * store reads back and is a fixed point, a variable's header lies where edk2 looks for it (checked against the
 * layout by hand, and against the GUID bytes efitools writes), damage is refused with the file named and never
 * throws anything else, and a store the variables do not fit is never written.
 */
class VariableStoreTest {
    static final Path TEMPLATE = Path.of("/usr/share/OVMF/OVMF_VARS_4M.ms.fd");

    static VariableStore template() throws Exception {
        if (!Files.isRegularFile(TEMPLATE)) {
            HostTools.unavailable(TEMPLATE + " is missing: run scripts/setup-host.sh (package ovmf)");
        }
        return VariableStore.read(Files.readAllBytes(TEMPLATE), TEMPLATE);
    }

    @Test
    void debiansSecureBootTemplateHoldsTheKeysOpensslReads() throws Exception {
        VariableStore s = template();
        assertTrue(s.authenticated());
        int authenticated = EfiVariable.NON_VOLATILE | EfiVariable.BOOTSERVICE_ACCESS | EfiVariable.RUNTIME_ACCESS
                | EfiVariable.TIME_BASED_AUTHENTICATED_WRITE_ACCESS;
        for (String name : List.of("PK", "KEK")) {
            assertEquals(authenticated, s.find(name, EfiVariable.GLOBAL).orElseThrow().attributes(), name);
        }
        assertEquals(authenticated, s.find("dbx", EfiVariable.IMAGE_SECURITY_DATABASE).orElseThrow().attributes());
        EfiVariable db = s.find("db", EfiVariable.IMAGE_SECURITY_DATABASE).orElseThrow();
        assertFalse(s.find("SbatLevel", EfiVariable.SHIM_LOCK).isPresent(), "no revocation ever applied");
        List<SignatureList> lists = SignatureList.read(db.data());
        Path dir = HostTools.workDir("variable-store-db");
        List<String> subjects = new ArrayList<>();
        for (SignatureList l : lists) {
            assertEquals(SignatureList.X509, l.type());
            for (SignatureList.Entry e : l.entries()) {
                X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(e.data()));
                Path der = dir.resolve("cert" + subjects.size() + ".der");
                Files.write(der, e.data());
                String openssl = HostTools.run("openssl", "x509", "-inform", "DER", "-in", der.toString(), "-noout",
                        "-subject");
                assertTrue(openssl.contains("Microsoft"), openssl);
                subjects.add(c.getSubjectX500Principal().getName());
            }
        }
        assertTrue(subjects.stream().anyMatch(n -> n.contains("Windows Production PCA 2011")), subjects.toString());
        assertTrue(subjects.stream().anyMatch(n -> n.contains("UEFI CA 2011")), subjects.toString());
    }

    @Test
    void writtenVariablesReadBackAndTheStoreIsAFixedPoint() throws Exception {
        VariableStore s = template();
        byte[] payload = "sbat,1,2025051000\nshim,4\ngrub,5\n".getBytes(StandardCharsets.US_ASCII);
        EfiVariable level = EfiVariable.of("SbatLevel", EfiVariable.SHIM_LOCK, 3, payload);
        byte[] once = s.with(level).write();
        VariableStore back = VariableStore.read(once, TEMPLATE);
        assertEquals(level, back.find("SbatLevel", EfiVariable.SHIM_LOCK).orElseThrow());
        List<EfiVariable> others = new ArrayList<>(back.variables());
        others.removeIf(v -> v.is("SbatLevel", EfiVariable.SHIM_LOCK));
        assertEquals(s.variables(), others, "every other variable as it was, in its order");
        assertArrayEquals(once, back.write(), "laying out a laid-out store changes nothing");
        assertEquals(Files.size(TEMPLATE), once.length);
        assertArrayEquals(java.util.Arrays.copyOf(Files.readAllBytes(TEMPLATE), 0x48),
                java.util.Arrays.copyOf(once, 0x48), "the firmware volume header is kept");

        EfiVariable other = EfiVariable.of("SbatLevel", EfiVariable.SHIM_LOCK, 3, "sbat,1,2021030218\n".getBytes(
                StandardCharsets.US_ASCII));
        VariableStore replaced = VariableStore.read(back.with(other).write(), TEMPLATE);
        assertEquals(1, replaced.variables().stream().filter(v -> v.name().equals("SbatLevel")).count());
        assertEquals(other, replaced.find("SbatLevel", EfiVariable.SHIM_LOCK).orElseThrow());
        assertEquals(s.variables(), VariableStore.read(replaced.without("SbatLevel", EfiVariable.SHIM_LOCK).write(),
                TEMPLATE).variables());
    }

    @Test
    void aVariableLiesWhereEdk2LooksForIt() throws Exception {
        VariableStore s = template();
        byte[] data = "sbat,1,2025051000\n".getBytes(StandardCharsets.US_ASCII);
        byte[] image = s.with(EfiVariable.of("SbatLevel", EfiVariable.SHIM_LOCK, 3, data)).write();
        byte[] name = "SbatLevel\0".getBytes(StandardCharsets.UTF_16LE);
        int at = indexOf(image, name);
        assertTrue(at > 0 && indexOf(java.util.Arrays.copyOfRange(image, at + 1, image.length), name) < 0,
                "the name once");
        int header = at - 60;
        assertEquals(0x55AA, Bytes.u16le(image, header), "StartId");
        assertEquals(0x3F, Bytes.u8(image, header + 2), "State: VAR_ADDED");
        assertEquals(3, Bytes.u32le(image, header + 4), "Attributes");
        assertEquals(name.length, Bytes.u32le(image, header + 36), "NameSize");
        assertEquals(data.length, Bytes.u32le(image, header + 40), "DataSize");
        // the GUID's bytes as efitools writes shim's GUID as a signature owner
        assertEquals("50ab5d6046e00043abb63dd810dd8b23", HexFormat.of().formatHex(image, header + 44, header + 60));
        assertArrayEquals(data, java.util.Arrays.copyOfRange(image, at + name.length, at + name.length + data.length),
                "the data right after the name");
        assertEquals(0, header % 4, "headers on 4-byte boundaries");
        int next = (at + name.length + data.length + 3) & ~3;
        assertTrue(Bytes.u16le(image, next) == 0x55AA || Bytes.u16le(image, next) == 0xFFFF);
    }

    @Test
    void thePlainFormatReads() throws Exception {
        byte[] image = new byte[0x2000];
        java.util.Arrays.fill(image, (byte) 0xFF);
        java.util.Arrays.fill(image, 0, 0x48, (byte) 0);
        System.arraycopy(org.nixusb.hybrid.Guid.toBytes(VariableStore.SYSTEM_NV_DATA_FV), 0, image, 16, 16);
        Bytes.put64le(image, 32, image.length);
        System.arraycopy("_FVH".getBytes(StandardCharsets.US_ASCII), 0, image, 40, 4);
        Bytes.put16le(image, 48, 0x48);
        System.arraycopy(org.nixusb.hybrid.Guid.toBytes(VariableStore.PLAIN_VARIABLE), 0, image, 0x48, 16);
        Bytes.put32le(image, 0x48 + 16, 0x1000);
        image[0x48 + 20] = 0x5A;
        image[0x48 + 21] = (byte) 0xFE;
        java.util.Arrays.fill(image, 0x48 + 22, 0x48 + 28, (byte) 0);
        int v = 0x64;
        byte[] name = "Timeout\0".getBytes(StandardCharsets.UTF_16LE);
        Bytes.put16le(image, v, 0x55AA);
        image[v + 2] = 0x3F;
        image[v + 3] = 0;
        Bytes.put32le(image, v + 4, 7);
        Bytes.put32le(image, v + 8, name.length);
        Bytes.put32le(image, v + 12, 2);
        System.arraycopy(org.nixusb.hybrid.Guid.toBytes(EfiVariable.GLOBAL), 0, image, v + 16, 16);
        System.arraycopy(name, 0, image, v + 32, name.length);
        image[v + 32 + name.length] = 5;
        image[v + 32 + name.length + 1] = 0;
        byte[] unterminated = image.clone();
        unterminated[v + 32 + name.length - 2] = 'X';
        BadInputException e = assertThrows(BadInputException.class, () -> VariableStore.read(unterminated,
                Path.of("plain.fd")));
        assertTrue(e.getMessage().startsWith("plain.fd: the variable at byte 100 has no well-formed name"),
                e.getMessage());
        byte[] odd = image.clone();
        Bytes.put32le(odd, v + 8, name.length - 1);
        assertThrows(BadInputException.class, () -> VariableStore.read(odd, Path.of("plain.fd")));
        VariableStore s = VariableStore.read(image, Path.of("plain.fd"));
        assertFalse(s.authenticated());
        assertEquals(List.of(EfiVariable.of("Timeout", EfiVariable.GLOBAL, 7, new byte[] {5, 0})), s.variables());
        assertArrayEquals(image, s.write());
        assertThrows(IllegalStateException.class, () -> s.with(new EfiVariable("dbx",
                EfiVariable.IMAGE_SECURITY_DATABASE, 0x27, new byte[0], null)).write(), "no time stamps to keep");

        // a last variable that ends 2 bytes before the store's end fits (no alignment after it)
        int room = s.capacity() - s.used() - 3 & ~3;
        int dataSize = room - 32 - "Fill\0".getBytes(StandardCharsets.UTF_16LE).length + 2;
        VariableStore full = s.with(EfiVariable.of("Fill", EfiVariable.GLOBAL, 7, new byte[dataSize]));
        assertEquals(full.capacity() - 2, full.used(), "the store full up to 2 bytes");
        assertEquals(full.variables(), VariableStore.read(full.write(), Path.of("plain.fd")).variables());
    }

    @Test
    void damageIsRefusedWithTheFileNamedAndNothingElseThrown() throws Exception {
        template();
        byte[] good = Files.readAllBytes(TEMPLATE);
        Path where = Path.of("damaged.fd");
        BadInputException e = assertThrows(BadInputException.class, () -> VariableStore.read(new byte[100], where));
        assertTrue(e.getMessage().startsWith("damaged.fd: not an edk2 variable store"), e.getMessage());
        Random r = new Random(31);
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] b = good.clone();
            int flips = 1 + r.nextInt(8);
            for (int f = 0; f < flips; f++) {
                // the headers and the first variables, where damage matters
                b[r.nextInt(0x2000)] = (byte) r.nextInt(256);
            }
            if (r.nextInt(10) == 0) {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            try {
                VariableStore s = VariableStore.read(b, where);
                if (s.used() <= s.capacity()) {
                    VariableStore.read(s.write(), where);
                }
            } catch (BadInputException expected) {
                assertTrue(expected.getMessage().startsWith("damaged.fd: "), expected.getMessage());
                refused++;
            }
        }
        assertTrue(refused > 0, "some damage is refused");
    }

    @Test
    void variablesThatDoNotFitAreNeverWritten() throws Exception {
        VariableStore s = template();
        for (int i = 0; s.used() <= s.capacity(); i++) {
            s = s.with(EfiVariable.of("Filler" + i, UUID.nameUUIDFromBytes(new byte[] {(byte) i}), 3, new byte[32768]));
        }
        VariableStore full = s;
        assertThrows(IllegalStateException.class, full::write);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
