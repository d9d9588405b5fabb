package org.nixusb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The problem list of sgdisk -v reports as sgdisk prints them; one more problem is one more item. */
class SgdiskReportTest {
    @Test
    void paragraphsWithTheirNumbersMasked() {
        String overlap = """
                Invalid partition data!
                Verification may miss some problems or report too many!

                Problem: MBR partitions 1 and 2 overlap!
                Warning! Main partition table overlaps the first partition by 64 blocks!
                You will need to delete this partition or resize it in another utility.

                Identified 2 problems!
                """;
        assertEquals(List.of("Invalid partition data!", "Problem: MBR partitions # and # overlap!",
                "Warning! Main partition table overlaps the first partition by # blocks! You will need to delete this "
                        + "partition or resize it in another utility."), SgdiskReport.parse(overlap));
        String worse = overlap.replace("Identified 2 problems!", """
                Problem: The CRC for the main GPT header is invalid. The main GPT header may
                be corrupt.

                Identified 3 problems!""");
        List<String> added = new java.util.ArrayList<>(SgdiskReport.parse(worse));
        SgdiskReport.parse(overlap).forEach(added::remove);
        assertEquals(List.of("Problem: The CRC for the main GPT header is invalid. The main GPT header may be corrupt."),
                added);
        assertEquals(List.of(), SgdiskReport.parse("No problems found. 2014 free sectors (1007.0 KiB) available in 1\n"
                + "segments, the largest of which is 2014 (1007.0 KiB) in size.\n"));
    }
}
