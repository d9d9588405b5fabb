package org.nixusb.hybrid;

import java.util.List;

/**
 * The system area a stick layout writes: its blocks, the padded size of the image and a line for the log
 * ({@link IsohybridSystemArea}, {@link GptSystemArea}).
 *
 * @param size the padded image size in bytes
 * @param cylinders 1 MiB cylinders (more than 1024 cannot be described in CHS)
 * @param writes the blocks, in order
 * @param summary one line for the log
 */
public record SystemArea(long size, long cylinders, List<PositionedWrite> writes, String summary) {
}
