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
        assertEquals(List.of("sgdisk exited with status 3"), SgdiskReport.parse("\n", 3));
    }

    /**
     * The control: sgdisk says "No problems found" (exit 0) for a protective MBR whose two GPTs are zeroed, and for
     * an MBR without any GPT; the report must still see the missing GPT. A real GPT by sgdisk is clean.
     */
    @Test
    void aMissingGptIsAProblemThoughSgdiskFindsNone() throws Exception {
        java.nio.file.Path dir = HostTools.workDir("sgdisk-report");
        java.nio.file.Path gpt = dir.resolve("gpt.img");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(gpt.toFile(), "rw")) {
            f.setLength(20L << 20);
        }
        HostTools.run("sgdisk", "-n", "1:2048:+5M", gpt.toString());
        assertEquals(List.of(), SgdiskReport.problems(gpt), "sgdisk's own GPT");
        java.nio.file.Path zeroed = dir.resolve("zeroed.img");
        java.nio.file.Files.copy(gpt, zeroed);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(zeroed,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(33 * 512), 512);
            ch.write(java.nio.ByteBuffer.allocate(33 * 512), (20L << 20) - 33 * 512);
        }
        String said = HostTools.runAllowingFailure("sgdisk", "-v", zeroed.toString());
        org.junit.jupiter.api.Assertions.assertTrue(said.contains("No problems found"),
                "the trap this guards against: " + said);
        assertEquals(List.of(SgdiskReport.NO_GPT), SgdiskReport.problems(zeroed), "both GPTs zeroed");
        java.nio.file.Path mbr = dir.resolve("mbr.img");
        byte[] sector = new byte[512];
        byte[] entry = {(byte) 0x80, 0, 2, 0, (byte) 0x83, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 8, 0, 0, 0, 0x50, 0,
                0};
        System.arraycopy(entry, 0, sector, 446, 16);
        sector[510] = 0x55;
        sector[511] = (byte) 0xaa;
        java.nio.file.Files.write(mbr, sector);
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(mbr.toFile(), "rw")) {
            f.setLength(20L << 20);
        }
        assertEquals(List.of(SgdiskReport.INVALID_GPT), SgdiskReport.problems(mbr), "an MBR without a GPT");
    }
}
