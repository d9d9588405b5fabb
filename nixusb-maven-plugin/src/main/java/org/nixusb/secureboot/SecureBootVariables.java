package org.nixusb.secureboot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.nixusb.BadInputException;
import org.nixusb.checksum.Sha256File;
import org.nixusb.efivars.EfiVariable;
import org.nixusb.efivars.SignatureList;
import org.nixusb.efivars.VariableStore;

/**
 * The Secure Boot state a secure boot's firmware holds, as a PC holds it: the SBAT revocation level in
 * {@code SbatLevel} (what shim, or an operating system update, wrote), additions to the firmware's revocation list
 * {@code dbx}, and machine owner keys in {@code MokList} (as MokManager leaves them after an enrolment). Written into
 * the boot's own copy of the firmware's variable store before the machine starts; the template (the firmware
 * package's, or the user's own) is never changed.
 *
 * @param sbatLevel which level {@code SbatLevel} holds
 * @param sbatLevelFile the user's level file when {@code sbatLevel} is {@link SbatLevelChoice#FILE}
 * @param dbx what {@code dbx} holds
 * @param dbxFile the user's list when {@code dbx} is {@link DbxChoice#FILE}
 * @param mok DER or PEM certificates for {@code MokList}
 */
public record SecureBootVariables(SbatLevelChoice sbatLevel, Path sbatLevelFile, DbxChoice dbx, Path dbxFile,
        List<Path> mok) {

    /** The {@code SbatLevel} a boot's firmware holds. */
    public enum SbatLevelChoice {
        /** None written: only what the image's own shim writes on its first start (a PC that ran nothing newer). */
        SHIM,
        /** The level before the newest pinned one. */
        PREVIOUS,
        /** The newest pinned level: what an up-to-date PC holds (the default). */
        LATEST,
        /** The newest level of the user's file. */
        FILE
    }

    /** The {@code dbx} a boot's firmware holds. */
    public enum DbxChoice {
        /** As the variable store holds it. */
        FIRMWARE,
        /** Empty: no hash or certificate revoked. */
        NONE,
        /** The store's list and the user's (an {@code .esl} file or a signed {@code dbx} update). */
        FILE
    }

    public SecureBootVariables {
        mok = List.copyOf(mok);
    }

    /** What a boot uses when nothing is configured: the latest level, the firmware's dbx, no MOK. */
    public static final SecureBootVariables DEFAULTS = new SecureBootVariables(SbatLevelChoice.LATEST, null,
            DbxChoice.FIRMWARE, null, List.of());

    /**
     * Reads the settings as users spell them.
     *
     * @param sbatLevel {@code shim}, {@code previous}, {@code latest} or a file
     * @param dbx {@code firmware}, {@code none} or a file
     * @param mok certificates (DER or PEM), none for an empty list
     */
    public static SecureBootVariables parse(String sbatLevel, String dbx, List<Path> mok) throws BadInputException {
        SbatLevelChoice level;
        Path levelFile = null;
        String l = sbatLevel == null || sbatLevel.isBlank() ? "latest" : sbatLevel.strip();
        switch (l.toLowerCase(Locale.ROOT)) {
            case "shim" -> level = SbatLevelChoice.SHIM;
            case "previous" -> level = SbatLevelChoice.PREVIOUS;
            case "latest" -> level = SbatLevelChoice.LATEST;
            default -> {
                level = SbatLevelChoice.FILE;
                levelFile = Path.of(l);
                if (!Files.isRegularFile(levelFile)) {
                    throw new BadInputException(levelFile, "is neither shim, previous, latest nor a file of SBAT "
                            + "levels", "Give shim, previous, latest, or the path of a file of SbatLevel payloads");
                }
            }
        }
        DbxChoice d;
        Path dbxPath = null;
        String x = dbx == null || dbx.isBlank() ? "firmware" : dbx.strip();
        switch (x.toLowerCase(Locale.ROOT)) {
            case "firmware" -> d = DbxChoice.FIRMWARE;
            case "none" -> d = DbxChoice.NONE;
            default -> {
                d = DbxChoice.FILE;
                dbxPath = Path.of(x);
                if (!Files.isRegularFile(dbxPath)) {
                    throw new BadInputException(dbxPath, "is neither firmware, none nor a file", "Give firmware, "
                            + "none, or the path of an EFI signature list (.esl) or a signed dbx update (.bin)");
                }
            }
        }
        for (Path m : mok) {
            if (!Files.isRegularFile(m)) {
                throw new BadInputException(m, "no such certificate", "Give the DER or PEM certificate whose key "
                        + "signed the image's boot loader or kernel");
            }
        }
        return new SecureBootVariables(level, levelFile, d, dbxPath, mok);
    }

    /**
     * These settings as lines for a boot cache key: the level's payload (so that a newer pinned list boots again)
     * and the SHA-256 of every file named.
     */
    public String fingerprint() throws IOException, BadInputException {
        StringBuilder b = new StringBuilder("sbat-level ").append(sbatLevel.name().toLowerCase(Locale.ROOT));
        SbatLevels.Level level = level();
        b.append(level == null ? "" : " " + level.payload().strip().replace('\n', ' ')).append('\n');
        b.append("dbx ").append(dbx.name().toLowerCase(Locale.ROOT))
                .append(dbxFile == null ? "" : " sha256 " + Sha256File.sha256(dbxFile)).append('\n');
        for (Path m : mok) {
            b.append("mok sha256 ").append(Sha256File.sha256(m)).append('\n');
        }
        return b.toString();
    }

    /** Whether the store is used as it is: {@code sbatLevel=shim}, {@code dbx=firmware}, no MOK. */
    public boolean writesNothing() {
        return sbatLevel == SbatLevelChoice.SHIM && dbx == DbxChoice.FIRMWARE && mok.isEmpty();
    }

    /** The level {@code SbatLevel} is given, or null for {@link SbatLevelChoice#SHIM} (none written). */
    public SbatLevels.Level level() throws IOException, BadInputException {
        return switch (sbatLevel) {
            case SHIM -> null;
            case PREVIOUS -> SbatLevels.previous(SbatLevels.pinned());
            case LATEST -> SbatLevels.latest(SbatLevels.pinned());
            case FILE -> SbatLevels.latest(SbatLevels.read(sbatLevelFile));
        };
    }

    /** The hashes (hex) the user's dbx file adds, none for {@link DbxChoice#FIRMWARE} and {@link DbxChoice#NONE}. */
    public List<String> addedDbx() throws IOException, BadInputException {
        return dbx == DbxChoice.FILE ? DbxList.read(dbxFile).sha256Hex() : List.of();
    }

    /** What a boot wrote, for its log: one phrase per variable. */
    public record Applied(VariableStore store, List<String> lines) {
    }

    /**
     * The store with these variables written.
     *
     * @param template the store the boot starts from
     * @param templateFile the template, for messages
     */
    public Applied apply(VariableStore template, Path templateFile) throws IOException, BadInputException {
        VariableStore s = template;
        List<String> lines = new ArrayList<>();
        SbatLevels.Level level = level();
        if (level == null) {
            lines.add("SbatLevel: " + template.find("SbatLevel", EfiVariable.SHIM_LOCK)
                    .map(v -> "as " + templateFile.getFileName() + " holds it ("
                            + new String(v.data(), StandardCharsets.US_ASCII).strip().replace('\n', ' ') + ")")
                    .orElse("none (the image's shim writes its own on its first start)"));
        } else {
            s = s.with(EfiVariable.of("SbatLevel", EfiVariable.SHIM_LOCK,
                    EfiVariable.NON_VOLATILE | EfiVariable.BOOTSERVICE_ACCESS,
                    level.payload().getBytes(StandardCharsets.US_ASCII)));
            lines.add("SbatLevel " + level.describe() + ", " + sbatLevel.name().toLowerCase(Locale.ROOT)
                    + (sbatLevel == SbatLevelChoice.FILE ? " from " + sbatLevelFile : " (" + level.name() + ")"));
        }
        s = applyDbx(s, templateFile, lines);
        return new Applied(applyMok(s, lines), List.copyOf(lines));
    }

    private VariableStore applyDbx(VariableStore s, Path templateFile, List<String> lines)
            throws IOException, BadInputException {
        var current = s.find("dbx", EfiVariable.IMAGE_SECURITY_DATABASE);
        List<SignatureList> lists = new ArrayList<>();
        byte[] time = current.map(EfiVariable::timestamp).orElse(null);
        if (dbx == DbxChoice.FIRMWARE) {
            String holds;
            try {
                holds = current.isEmpty() ? "none" : count(SignatureList.read(current.get().data()));
            } catch (IllegalArgumentException damaged) {
                holds = "not a signature list: " + damaged.getMessage();
            }
            lines.add("dbx: as " + templateFile.getFileName() + " holds it (" + holds + ")");
            return s;
        }
        if (current.isPresent() && dbx != DbxChoice.NONE) {
            try {
                lists.addAll(SignatureList.read(current.get().data()));
            } catch (IllegalArgumentException damaged) {
                throw new BadInputException(templateFile, "its dbx variable is damaged: " + damaged.getMessage(),
                        "give a firmware variable store whose dbx the firmware itself wrote, or dbx=none");
            }
        }
        if (dbx == DbxChoice.FILE) {
            DbxList update = DbxList.read(dbxFile);
            lists.addAll(update.lists());
            time = update.timestamp() != null ? update.timestamp() : time;
            lines.add("dbx: " + templateFile.getFileName() + "'s and " + dbxFile + "'s (" + count(lists) + ")");
        } else {
            lines.add("dbx: empty");
        }
        return s.with(new EfiVariable("dbx", EfiVariable.IMAGE_SECURITY_DATABASE, EfiVariable.NON_VOLATILE
                | EfiVariable.BOOTSERVICE_ACCESS | EfiVariable.RUNTIME_ACCESS
                | EfiVariable.TIME_BASED_AUTHENTICATED_WRITE_ACCESS, SignatureList.write(lists), time));
    }

    private static String count(List<SignatureList> lists) {
        int hashes = SignatureList.sha256Hashes(lists).size();
        int certs = (int) lists.stream().filter(l -> l.type().equals(SignatureList.X509))
                .mapToLong(l -> l.entries().size()).sum();
        return hashes + " SHA-256 hash" + (hashes == 1 ? "" : "es") + ", " + certs + " certificate"
                + (certs == 1 ? "" : "s");
    }

    private VariableStore applyMok(VariableStore s, List<String> lines) throws IOException, BadInputException {
        if (mok.isEmpty()) {
            return s;
        }
        List<SignatureList> lists = new ArrayList<>();
        var current = s.find("MokList", EfiVariable.SHIM_LOCK);
        if (current.isPresent()) {
            lists.addAll(SignatureList.read(current.get().data()));
        }
        for (Path m : mok) {
            X509Certificate c = certificate(m);
            try {
                lists.add(SignatureList.certificate(EfiVariable.SHIM_LOCK, c.getEncoded()));
            } catch (CertificateException e) {
                throw new BadInputException(m, "cannot be encoded again: " + e.getMessage(), "give a DER certificate");
            }
            lines.add("MokList: " + c.getSubjectX500Principal().getName() + " from " + m.getFileName());
        }
        // as MokManager leaves it: non-volatile, boot services only (shim ignores a MokList readable at run time)
        return s.with(EfiVariable.of("MokList", EfiVariable.SHIM_LOCK,
                EfiVariable.NON_VOLATILE | EfiVariable.BOOTSERVICE_ACCESS, SignatureList.write(lists)));
    }

    /** A DER or PEM certificate. */
    static X509Certificate certificate(Path file) throws IOException, BadInputException {
        byte[] b = Files.readAllBytes(file);
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(b));
        } catch (CertificateException | ClassCastException e) {
            throw new BadInputException(file, "is no X.509 certificate (" + e.getMessage() + ")", "Give the DER "
                    + "or PEM certificate of the key that signed the boot loader or kernel (openssl x509 -outform "
                    + "DER makes one)");
        }
    }
}
