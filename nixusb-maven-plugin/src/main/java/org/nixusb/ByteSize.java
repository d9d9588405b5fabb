package org.nixusb;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as users write them: {@code 8G}, {@code 16GiB}, {@code 512M}, {@code 1T}, {@code 4096} (bytes), {@code 0}. */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(?i)\\s*(\\d{1,15})\\s*([kmgt]?)(?:i?b)?\\s*");

    private ByteSize() {
    }

    /**
     * The bytes {@code text} names (binary units: K is 1024).
     *
     * @throws IllegalArgumentException when it is not a size, or more than a long holds
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size");
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("too large");
        }
        return n << shift;
    }
}
