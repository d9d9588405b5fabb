package org.nixusb.hybrid;

/**
 * A write of {@code bytes} at byte {@code position} of an image: what every system-area writer returns (the MBR,
 * the GPTs, moved partitions), applied by the remaster to its output.
 */
public record PositionedWrite(long position, byte[] bytes) {
}
