package org.nixusb.iso9660;

import java.nio.file.Path;

import org.nixusb.BadInputException;

/** The file is not a readable ISO 9660 image, or it is damaged. */
public class IsoFormatException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public static final String CURE =
            "Check that the file is a complete ISO 9660 image (compare its checksum with the published one, "
                    + "or download it again)";

    public IsoFormatException(Path file, String problem) {
        super(file, problem, CURE);
    }
}
