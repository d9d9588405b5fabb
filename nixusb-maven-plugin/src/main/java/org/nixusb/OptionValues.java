package org.nixusb;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The closed sets of option values ({@code efi}, {@code ui}, {@code accel}, {@code format}) as users write
 * them: an enum constant's name in lower case, with hyphens for underscores.
 */
public final class OptionValues {
    private OptionValues() {
    }

    /** How users write {@code value}. */
    public static String id(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The constant users named, ignoring case and surrounding blanks.
     *
     * @param what what the values are, for the message ("an EFI mode")
     * @throws IllegalArgumentException naming the value and listing the valid ones
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
        String wanted = text == null ? "" : text.strip();
        for (E e : type.getEnumConstants()) {
            if (id(e).equalsIgnoreCase(wanted)) {
                return e;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not " + what + " (use " + Arrays.stream(
                type.getEnumConstants()).map(OptionValues::id).collect(Collectors.joining(", ")) + ")");
    }
}
