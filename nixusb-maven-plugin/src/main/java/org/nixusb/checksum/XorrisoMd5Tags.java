package org.nixusb.checksum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nixusb.iso9660.ImageFile;
import org.nixusb.iso9660.IsoFormatException;

/**
 * The MD5 checksum tags that xorriso ({@code --md5}, libisofs) writes into an ISO 9660 session, each a
 * line of text at the start of a block of its own:
 * {@code <kind> pos=<block> range_start=<block> range_size=<blocks> [next=<block>] md5=<hex> self=<hex>}.
 * {@code md5} is the MD5 of the blocks in the range, {@code self} the MD5 of the line up to the blank
 * before {@code self=}. The superblock tag (after the volume descriptors) covers the system area and the
 * descriptors and names the tree tag; the tree tag (after the directory tree) names the session tag, which
 * covers the whole session from its start. {@code xorriso -check_md5} verifies the session by them.
 */
public final class XorrisoMd5Tags {
    public enum Kind {
        SUPERBLOCK("libisofs_sb_checksum_tag_v1"),
        TREE("libisofs_tree_checksum_tag_v1"),
        SESSION("libisofs_checksum_tag_v1");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** One tag; {@code next} is -1 for the session tag. */
    public record Tag(Kind kind, long block, long rangeStart, long rangeSize, long next, String md5) {
    }

    private static final Pattern LINE = Pattern.compile("(libisofs_(?:sb_|tree_)?checksum_tag_v1) pos=(\\d{1,10}) "
            + "range_start=(\\d{1,10}) range_size=(\\d{1,10})(?: next=(\\d{1,10}))? md5=([0-9a-f]{32}) "
            + "self=([0-9a-f]{32})\n");
    /** The superblock tag sits right after the descriptors, which a session keeps within its first 64 blocks. */
    private static final int SUPERBLOCK_SEARCH_END = 64;

    private XorrisoMd5Tags() {
    }

    /**
     * The tags of the session at the start of {@code image}: the superblock tag and the chain its
     * {@code next} fields name. Empty when the session has none (or its superblock tag is not valid).
     */
    public static List<Tag> find(ImageFile image) throws IOException, IsoFormatException {
        List<Tag> out = new ArrayList<>();
        long blocks = image.size() / ImageFile.BLOCK;
        for (long b = 17; b < Math.min(blocks, SUPERBLOCK_SEARCH_END); b++) {
            Tag t = parse(image.readBlock(b, "block " + b), b);
            if (t != null && t.kind() == Kind.SUPERBLOCK) {
                out.add(t);
                break;
            }
        }
        while (!out.isEmpty() && out.size() < 3) {
            Tag last = out.get(out.size() - 1);
            if (last.next() <= last.block() || last.next() >= blocks) {
                break;
            }
            Tag t = parse(image.readBlock(last.next(), "block " + last.next()), last.next());
            if (t == null || t.kind().ordinal() <= last.kind().ordinal()) {
                break;
            }
            out.add(t);
        }
        return out;
    }

    /** The tag in a block, or null when it holds none or its own checksum does not match. */
    public static Tag parse(byte[] block, long blockNumber) {
        if (block.length < 64 || block[0] != 'l') {
            return null;
        }
        int end = 0;
        while (end < Math.min(block.length, 512) && block[end] != '\n') {
            end++;
        }
        if (end >= Math.min(block.length, 512)) {
            return null;
        }
        String line = new String(block, 0, end + 1, StandardCharsets.ISO_8859_1);
        Matcher m = LINE.matcher(line);
        if (!m.matches() || Long.parseLong(m.group(2)) != blockNumber) {
            return null;
        }
        String head = line.substring(0, line.indexOf(" self="));
        if (!Md5.hex(head.getBytes(StandardCharsets.ISO_8859_1)).equals(m.group(7))) {
            return null;
        }
        Kind kind = m.group(1).equals(Kind.SUPERBLOCK.word()) ? Kind.SUPERBLOCK
                : m.group(1).equals(Kind.TREE.word()) ? Kind.TREE : Kind.SESSION;
        return new Tag(kind, blockNumber, Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
                m.group(5) == null ? -1 : Long.parseLong(m.group(5)), m.group(6));
    }

    /** The block that holds {@code t}, with {@code md5} (16 bytes) as its range's checksum. */
    public static byte[] encode(Tag t, byte[] md5) {
        StringBuilder s = new StringBuilder(t.kind().word()).append(" pos=").append(t.block())
                .append(" range_start=").append(t.rangeStart()).append(" range_size=").append(t.rangeSize());
        if (t.kind() != Kind.SESSION) {
            s.append(" next=").append(t.next());
        }
        s.append(" md5=").append(HexFormat.of().formatHex(md5));
        String head = s.toString();
        String line = head + " self=" + Md5.hex(head.getBytes(StandardCharsets.ISO_8859_1)) + "\n";
        byte[] block = new byte[ImageFile.BLOCK];
        byte[] text = line.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, block, 0, text.length);
        return block;
    }

    private static final class Md5 {
        static String hex(byte[] b) {
            try {
                return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
