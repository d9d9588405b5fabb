// The stick booted the CD's own EFI loader, the output's CD its own BIOS loader; the CD itself is no UEFI stick.
import groovy.xml.XmlSlurper
import java.nio.file.*

def buildLog = new File(basedir, 'build.log').text
def target = basedir.toPath().resolve('target')
def token = basedir.toPath().resolve('sources/token').toFile().text.trim()
def serial = { String p -> target.resolve(p).toFile().getText('ISO-8859-1') }

assert buildLog.contains("Plan: uefi-only (its BIOS boot loader is not ISOLINUX and it has no Linux menu to make " +
        "ISOLINUX's from, but it has an El Torito EFI image: the stick boots from UEFI only); BIOS: none; UEFI: the " +
        "source's EFI image")
assert buildLog.contains('No BIOS path on the stick')
['uefi-usb', 'uefi-cdrom'].each { mode ->
    assert serial("nixusb/boot-${mode}.log").contains("NIXUSB-EFI-LOADER-BOOTED token=${token}") : mode
}
assert serial('nixusb-cd-bios/boot-bios-cdrom.log').contains("NIXUSB-BIOS-LOADER-BOOTED token=${token}")
// started from the stick, a BIOS runs the MBR's UEFI-only message code (no loader to hang in)
assert serial('nixusb-stick-bios/boot-bios-usb.log').contains('This stick boots from UEFI only: no BIOS boot loader is on it.')
assert !serial('nixusb-stick-bios/boot-bios-usb.log').contains('NIXUSB-BIOS-LOADER-BOOTED')
def junit = new XmlSlurper().parse(target.resolve('nixusb-reports/TEST-nixusb-boot.xml').toFile())
assert junit.@tests.toString() == '2' && junit.@failures.toString() == '0'

def control = new XmlSlurper().parse(target.resolve('nixusb-control-reports/TEST-nixusb-boot.xml').toFile())
assert control.@failures.toString() == '1'
assert !serial('nixusb-control/boot-uefi-usb.log').contains('NIXUSB-EFI-LOADER-BOOTED')
return true
