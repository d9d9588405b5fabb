package org.nixusb.secureboot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.efivars.EfiVariable;
import org.nixusb.efivars.SignatureList;
import org.nixusb.efivars.VariableStore;
import org.nixusb.testing.DebianMedia;
import org.nixusb.testing.HostTools;

/**
 * What a secure boot writes into its copy of the firmware's variables: the SbatLevel payload is the text Debian's
 * shim carries for the same date (objcopy extracts it), written as shim checks it (NV+BS under shim's GUID); shim
 * leaves the store as it was; a MOK is the signature list efitools writes for the certificate; a signed dbx update
 * made by efitools adds its hash with its time stamp; bad settings are refused naming the file.
 */
class SecureBootVariablesTest {
    private static final Path TEMPLATE = Path.of("/usr/share/OVMF/OVMF_VARS_4M.ms.fd");

    private static VariableStore template() throws Exception {
        if (!Files.isRegularFile(TEMPLATE)) {
            HostTools.unavailable(TEMPLATE + " is missing: run scripts/setup-host.sh (package ovmf)");
        }
        return VariableStore.read(Files.readAllBytes(TEMPLATE), TEMPLATE);
    }

    @Test
    void theLevelWrittenIsTheTextDebiansShimCarriesForItsDate() throws Exception {
        HostTools.require("dpkg-deb", "objcopy");
        Path shim = DebianMedia.file("shim-signed", "usr/lib/shim/shimx64.efi.signed");
        Path raw = HostTools.workDir("secure-variables-shim").resolve("sbatlevel.bin");
        HostTools.run("objcopy", "-O", "binary", "--only-section=.sbatlevel", shim.toString(), raw.toString());
        byte[] section = Files.readAllBytes(raw);
        // the section: a version, then the offsets of previous and latest from byte 4, each a NUL-ended text
        int latestAt = 4 + (section[8] & 0xFF | (section[9] & 0xFF) << 8);
        int end = latestAt;
        while (section[end] != 0) {
            end++;
        }
        String shimsLatest = new String(section, latestAt, end - latestAt, StandardCharsets.US_ASCII);
        String date = shimsLatest.lines().findFirst().orElseThrow().split(",")[2];
        SbatLevels.Level pinned = SbatLevels.pinned().stream().filter(l -> l.date().equals(date)).findFirst()
                .orElseThrow(() -> new AssertionError("the pinned levels lack " + date));
        assertEquals(shimsLatest, pinned.payload());

        VariableStore s = template();
        SecureBootVariables.Applied latest = SecureBootVariables.parse("latest", null, List.of()).apply(s, TEMPLATE);
        EfiVariable v = latest.store().find("SbatLevel", EfiVariable.SHIM_LOCK).orElseThrow();
        assertEquals(EfiVariable.NON_VOLATILE | EfiVariable.BOOTSERVICE_ACCESS, v.attributes(), "as shim checks it");
        assertEquals(SbatLevels.latest(SbatLevels.pinned()).payload(), new String(v.data(), StandardCharsets.US_ASCII));
        assertTrue(latest.lines().get(0).startsWith("SbatLevel " + SbatLevels.latest(SbatLevels.pinned()).date()),
                latest.lines().toString());
        VariableStore back = VariableStore.read(latest.store().write(), TEMPLATE);
        assertEquals(v, back.find("SbatLevel", EfiVariable.SHIM_LOCK).orElseThrow());

        EfiVariable previous = SecureBootVariables.parse("previous", null, List.of()).apply(s, TEMPLATE).store()
                .find("SbatLevel", EfiVariable.SHIM_LOCK).orElseThrow();
        assertEquals(SbatLevels.previous(SbatLevels.pinned()).payload(), new String(previous.data(),
                StandardCharsets.US_ASCII));
        assertNotEquals(v, previous);

        SecureBootVariables.Applied none = SecureBootVariables.parse("shim", "firmware", List.of()).apply(s, TEMPLATE);
        assertEquals(s.variables(), none.store().variables(), "shim and firmware: the store as it was");
        assertTrue(none.lines().get(0).contains("none (the image's shim writes its own"), none.lines().toString());
    }

    @Test
    void aMachineOwnerKeyIsTheListEfitoolsWrites() throws Exception {
        HostTools.require("openssl", "cert-to-efi-sig-list");
        Path dir = HostTools.workDir("secure-variables-mok");
        Path key = dir.resolve("mok.key");
        Path pem = dir.resolve("mok.pem");
        Path der = dir.resolve("mok.der");
        HostTools.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj",
                "/CN=nixusb enrolment test/", "-keyout", key.toString(), "-out", pem.toString());
        HostTools.run("openssl", "x509", "-in", pem.toString(), "-outform", "DER", "-out", der.toString());
        Path esl = dir.resolve("mok.esl");
        HostTools.run("cert-to-efi-sig-list", "-g", EfiVariable.SHIM_LOCK.toString(), pem.toString(), esl.toString());

        SecureBootVariables.Applied a = SecureBootVariables.parse("shim", null, List.of(der)).apply(template(),
                TEMPLATE);
        EfiVariable mok = a.store().find("MokList", EfiVariable.SHIM_LOCK).orElseThrow();
        assertEquals(EfiVariable.NON_VOLATILE | EfiVariable.BOOTSERVICE_ACCESS, mok.attributes(),
                "no run-time access: shim ignores a MokList that has it");
        assertArrayEquals(Files.readAllBytes(esl), mok.data());
        assertTrue(a.lines().contains("MokList: CN=nixusb enrolment test from mok.der"), a.lines().toString());
        // PEM works as well as DER
        EfiVariable fromPem = SecureBootVariables.parse("shim", null, List.of(pem)).apply(template(), TEMPLATE).store()
                .find("MokList", EfiVariable.SHIM_LOCK).orElseThrow();
        assertEquals(mok, fromPem);

        Path notACert = dir.resolve("not-a-cert.der");
        Files.writeString(notACert, "hello");
        BadInputException e = assertThrows(BadInputException.class, () -> SecureBootVariables.parse("shim", null,
                List.of(notACert)).apply(template(), TEMPLATE));
        assertTrue(e.getMessage().startsWith(notACert + ": is no X.509 certificate"), e.getMessage());
    }

    @Test
    void aSignedDbxUpdateAddsItsHashWithItsTime() throws Exception {
        HostTools.require("openssl", "sign-efi-sig-list");
        Path dir = HostTools.workDir("secure-variables-dbx");
        byte[] hash = HexFormat.of().parseHex("dca841985136f0533ecd18b589ddf75503660b499c2dcd77b7c7efa7bc5d6a02");
        Path esl = dir.resolve("dbx.esl");
        Files.write(esl, SignatureList.write(List.of(new SignatureList(SignatureList.SHA256, List.of(
                new SignatureList.Entry(EfiVariable.GLOBAL, hash))))));
        Path key = dir.resolve("kek.key");
        Path pem = dir.resolve("kek.pem");
        HostTools.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj",
                "/CN=nixusb dbx test/", "-keyout", key.toString(), "-out", pem.toString());
        Path auth = dir.resolve("dbx.auth");
        HostTools.run("sign-efi-sig-list", "-a", "-t", "2025-01-02 03:04:05", "-k", key.toString(), "-c", pem.toString(),
                "dbx", esl.toString(), auth.toString());

        VariableStore s = template();
        int before = SignatureList.sha256Hashes(SignatureList.read(s.find("dbx", EfiVariable.IMAGE_SECURITY_DATABASE)
                .orElseThrow().data())).size();
        for (Path update : List.of(esl, auth)) {
            SecureBootVariables.Applied a = SecureBootVariables.parse("shim", update.toString(), List.of()).apply(s,
                    TEMPLATE);
            EfiVariable dbx = a.store().find("dbx", EfiVariable.IMAGE_SECURITY_DATABASE).orElseThrow();
            List<byte[]> hashes = SignatureList.sha256Hashes(SignatureList.read(dbx.data()));
            assertEquals(before + 1, hashes.size());
            assertArrayEquals(hash, hashes.get(hashes.size() - 1));
            assertEquals(0x27, dbx.attributes());
            if (update == auth) {
                // EFI_TIME: year (2 bytes), month, day, hour, minute, second
                assertEquals("e90701020304050000000000", HexFormat.of().formatHex(dbx.timestamp(), 0, 12));
            }
        }
        EfiVariable empty = SecureBootVariables.parse("shim", "none", List.of()).apply(s, TEMPLATE).store()
                .find("dbx", EfiVariable.IMAGE_SECURITY_DATABASE).orElseThrow();
        assertEquals(0, empty.data().length);

        Path junk = dir.resolve("junk.bin");
        Files.write(junk, new byte[] {1, 2, 3});
        BadInputException e = assertThrows(BadInputException.class, () -> SecureBootVariables.parse("shim",
                junk.toString(), List.of()).apply(s, TEMPLATE));
        assertTrue(e.getMessage().startsWith(junk + ": is neither an EFI signature list nor a signed dbx update"),
                e.getMessage());
    }

    @Test
    void settingsAreReadAsUsersSpellThemAndAnythingElseIsRefused() throws Exception {
        assertEquals(SecureBootVariables.DEFAULTS, SecureBootVariables.parse(null, null, List.of()));
        assertEquals(SecureBootVariables.SbatLevelChoice.SHIM, SecureBootVariables.parse("SHIM", "", List.of())
                .sbatLevel());
        BadInputException e = assertThrows(BadInputException.class, () -> SecureBootVariables.parse("newest", null,
                List.of()));
        assertTrue(e.getMessage().startsWith("newest: is neither shim, previous, latest nor a file"), e.getMessage());
        assertThrows(BadInputException.class, () -> SecureBootVariables.parse("latest", "all", List.of()));
        assertThrows(BadInputException.class, () -> SecureBootVariables.parse("latest", null, List.of(Path.of(
                "no-such.der"))));
        Path dir = HostTools.workDir("secure-variables-level-file");
        Path level = dir.resolve("level.txt");
        Files.writeString(level, "sbat,1,2030010100\nshim,9\n");
        SecureBootVariables own = SecureBootVariables.parse(level.toString(), null, List.of());
        assertEquals("sbat,1,2030010100\nshim,9\n", own.level().payload());
        assertFalse(own.fingerprint().equals(SecureBootVariables.DEFAULTS.fingerprint()));
        assertTrue(own.fingerprint().contains("sbat-level file sbat,1,2030010100 shim,9"), own.fingerprint());
    }
}
