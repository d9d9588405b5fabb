package org.nixusb.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.nixusb.qemu.BootMode;
import org.nixusb.qemu.BootResult;
import org.nixusb.testing.HostTools;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The JUnit XML a CI server reads (parsed by the JDK's XML parser) and the HTML page, with and without failures. */
class BootReportsTest {
    @Test
    void junitXmlCountsAndNamesEachBootAndHtmlLinksItsLogs() throws Exception {
        Path dir = HostTools.workDir("boot-reports");
        Path image = dir.resolve("image <&> \"x\".iso");
        Files.writeString(dir.resolve("boot-bios-usb.log"), "SeaBIOS\nMARKER\n");
        Files.writeString(dir.resolve("boot-uefi-usb.log"), "BdsDxe: Access Denied\n");
        List<BootResult> results = List.of(
                new BootResult(BootMode.BIOS_USB, true, "the console printed \"MARKER\"", 12_300,
                        dir.resolve("boot-bios-usb.log"), List.of("qemu", "-m", "1024"), "tcg", null),
                new BootResult(BootMode.UEFI_USB_SECURE, false, "the console printed \"Access Denied\" <& >", 4_000,
                        dir.resolve("boot-uefi-usb.log"), List.of("qemu"), "tcg", null));
        Path xml = BootReports.junit(dir.resolve("reports"), "nixusb.boot.it", image, results);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        Element suite = doc.getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        assertEquals("2", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals(2, doc.getElementsByTagName("testcase").getLength());
        Element failure = (Element) doc.getElementsByTagName("failure").item(0);
        assertTrue(failure.getAttribute("message").contains("Access Denied\" <& >"), failure.getAttribute("message"));
        Path html = BootReports.html(dir, image, results);
        String page = Files.readString(html);
        assertTrue(page.contains("bios-usb") && page.contains("uefi-usb-secure") && page.contains("boot-bios-usb.log"),
                page);
        assertTrue(!page.contains("<&>"), "the image name is escaped in HTML");
    }
}
