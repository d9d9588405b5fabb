package org.nixusb.efivars;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/**
 * Signature lists: what efitools' cert-to-efi-sig-list writes for a certificate is what nixusb writes and reads,
 * hash lists read, and lists whose sizes disagree are refused, never misread.
 */
class SignatureListTest {
    /** A self-signed certificate made by openssl: {@code {pem, der}}. */
    static Path[] certificate(Path dir, String name) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path pem = dir.resolve(name + ".pem");
        Path der = dir.resolve(name + ".der");
        HostTools.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj",
                "/CN=" + name + "/", "-keyout", key.toString(), "-out", pem.toString());
        HostTools.run("openssl", "x509", "-in", pem.toString(), "-outform", "DER", "-out", der.toString());
        return new Path[] {pem, der, key};
    }

    @Test
    void aCertificateListIsWhatEfitoolsWrites() throws Exception {
        HostTools.require("openssl", "cert-to-efi-sig-list");
        Path dir = HostTools.workDir("signature-list");
        Path[] cert = certificate(dir, "nixusb signature list test");
        Path esl = dir.resolve("cert.esl");
        HostTools.run("cert-to-efi-sig-list", "-g", EfiVariable.SHIM_LOCK.toString(), cert[0].toString(), esl.toString());
        byte[] efitools = Files.readAllBytes(esl);
        byte[] der = Files.readAllBytes(cert[1]);
        List<SignatureList> read = SignatureList.read(efitools);
        assertEquals(1, read.size());
        assertEquals(SignatureList.X509, read.get(0).type());
        assertEquals(EfiVariable.SHIM_LOCK, read.get(0).entries().get(0).owner());
        assertArrayEquals(der, read.get(0).entries().get(0).data());
        assertArrayEquals(efitools, SignatureList.write(List.of(SignatureList.certificate(EfiVariable.SHIM_LOCK, der))));
    }

    @Test
    void hashListsReadAndWrite() {
        Random r = new Random(5);
        byte[][] hashes = new byte[3][32];
        for (byte[] h : hashes) {
            r.nextBytes(h);
        }
        SignatureList l = new SignatureList(SignatureList.SHA256, List.of(new SignatureList.Entry(EfiVariable.GLOBAL,
                hashes[0]), new SignatureList.Entry(EfiVariable.GLOBAL, hashes[1])));
        SignatureList one = new SignatureList(SignatureList.SHA256, List.of(new SignatureList.Entry(EfiVariable.SHIM_LOCK,
                hashes[2])));
        byte[] bytes = SignatureList.write(List.of(l, one));
        assertEquals(2 * 28 + 3 * 48, bytes.length);
        List<SignatureList> back = SignatureList.read(bytes);
        assertEquals(List.of(l, one), back);
        List<byte[]> all = SignatureList.sha256Hashes(back);
        assertEquals(3, all.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(hashes[i], all.get(i));
        }
        assertEquals(List.of(), SignatureList.read(new byte[0]));
    }

    @Test
    void listsWhoseSizesDisagreeAreRefused() {
        byte[] good = SignatureList.write(List.of(new SignatureList(SignatureList.SHA256, List.of(
                new SignatureList.Entry(EfiVariable.GLOBAL, new byte[32])))));
        assertThrows(IllegalArgumentException.class, () -> SignatureList.read(java.util.Arrays.copyOf(good, 27)));
        assertThrows(IllegalArgumentException.class, () -> SignatureList.read(java.util.Arrays.copyOf(good, 70)));
        byte[] bad = good.clone();
        bad[24] = 47; // an entry size that does not divide the list
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SignatureList.read(bad));
        assertTrue(e.getMessage().contains("at byte 0"), e.getMessage());
        Random r = new Random(9);
        for (int i = 0; i < 5000; i++) {
            byte[] b = good.clone();
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            try {
                SignatureList.read(b);
            } catch (IllegalArgumentException refused) {
                // refused with where: fine
            }
        }
    }
}
