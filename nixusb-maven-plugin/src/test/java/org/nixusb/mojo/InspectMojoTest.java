package org.nixusb.mojo;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.nixusb.testing.HostTools;

/**
 * inspect's report file never lands on an image: not the one inspected, not the remaster's output, not any
 * existing file that is not text (a plugin-level {@code <output>} for remaster reaches inspect's report file too);
 * a new file or an earlier report is written as asked.
 */
class InspectMojoTest {
    @Test
    void theReportIsNeverWrittenOverAnImage() throws Exception {
        Path dir = HostTools.workDir("inspect-report-file");
        Path image = dir.resolve("usb.iso");
        Files.write(image, new byte[40960]);
        Path other = dir.resolve("other.img");
        Files.write(other, new byte[] {'E', 'R', 0, 0});
        Path earlier = dir.resolve("report.txt");
        Files.writeString(earlier, "/x.iso\n  1 bytes\n");
        Path absent = dir.resolve("sub/new-report.txt");

        String same = InspectMojo.imageAsReport(image, image, null);
        assertTrue(same != null && same.startsWith(image + ": the inspect report would be written over an image")
                && same.contains("move it into the remaster's <execution>"), same);
        assertTrue(InspectMojo.imageAsReport(dir.resolve("./out.iso"), image, dir.resolve("out.iso")) != null,
                "the remaster's output, even before it exists");
        assertTrue(InspectMojo.imageAsReport(other, image, null) != null, "a file that is not text");
        assertNull(InspectMojo.imageAsReport(earlier, image, dir.resolve("out.iso")), "an earlier report");
        assertNull(InspectMojo.imageAsReport(absent, image, dir.resolve("out.iso")));
        assertNull(InspectMojo.imageAsReport(null, image, null));
    }
}
