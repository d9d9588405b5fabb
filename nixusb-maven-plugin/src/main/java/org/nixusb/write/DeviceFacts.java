package org.nixusb.write;

import java.io.IOException;
import java.nio.file.Path;

/** Reads what the system knows about a device (sysfs, the mount table, swaps); faked in tests. */
public interface DeviceFacts {
    /** Facts about {@code target}, or null when it is not a block device (a plain file, say). */
    BlockDevice describe(Path target) throws IOException;
}
