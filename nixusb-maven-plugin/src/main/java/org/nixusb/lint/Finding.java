package org.nixusb.lint;

/**
 * One thing {@code nixusb:lint} found in an image.
 *
 * @param id a stable identifier ({@code GPT_HEADER_CRC}, ...)
 * @param severity how bad it is
 * @param problem what is wrong, in a sentence
 * @param read the bytes it read (where, and their values)
 * @param firmware what firmware is known to do with it
 * @param cure what to do about it (often: which layout to use)
 */
public record Finding(String id, Severity severity, String problem, String read, String firmware, String cure) {
}
