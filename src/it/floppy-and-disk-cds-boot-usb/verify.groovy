// Each remastered CD booted its own disk image through ISOLINUX and MEMDISK: the marker with this run's token
// appears after MEMDISK's banner on every mode; the CD-only source does not boot as a stick; sources unchanged.
import groovy.xml.XmlSlurper
import java.nio.file.*
import java.security.MessageDigest

def buildLog = new File(basedir, 'build.log').text
def sources = basedir.toPath().resolve('sources')
def target = basedir.toPath().resolve('target')
def text = { Path p -> p.toFile().getText('ISO-8859-1') }

assert buildLog.contains('Plan: memdisk (it boots a 1.44 MB floppy image in El Torito emulation and has no Linux menu)')
assert buildLog.contains('Plan: memdisk (it boots a hard disk image in El Torito emulation and has no Linux menu)')
assert buildLog.contains('is no file of the tree: a copy of it is added as /isolinux/eltorito-floppy.img')
assert buildLog.contains('which serves it to the BIOS as drive A:') && buildLog.contains('which serves it to the BIOS as drive C:')

[floppy: ['bios-usb', 'bios-hdd', 'bios-cdrom'], disk: ['bios-usb', 'bios-hdd']].each { name, modes ->
    def token = text(sources.resolve("${name}.token")).trim()
    def marker = name == 'floppy' ? 'NIXUSB-FLOPPY-BOOTED' : 'NIXUSB-DISK-BOOTED'
    modes.each { mode ->
        def serial = text(target.resolve("nixusb-${name}/boot-${mode}.log"))
        def memdisk = serial.indexOf('MEMDISK')
        assert memdisk >= 0 : "${name} ${mode}: MEMDISK did not start"
        assert serial.indexOf("${marker} token=${token}", memdisk) > memdisk : "${name} ${mode}: no marker after MEMDISK"
    }
    def junit = new XmlSlurper().parse(target.resolve("nixusb-${name}-reports/TEST-nixusb-boot.xml").toFile())
    assert junit.@tests.toString() == "${modes.size()}" && junit.@failures.toString() == '0'
    // xorriso reads the output: ISOLINUX without emulation is the El Torito entry now
    def p = new ProcessBuilder(['xorriso', '-indev', target.resolve("${name}-usb.iso").toString(), '-report_el_torito',
            'plain']).redirectErrorStream(true).start()
    def report = p.inputStream.text
    assert p.waitFor() == 0
    assert report =~ /El Torito boot img : +1 +BIOS +y +none / : report
    assert report.contains('/isolinux/isolinux.bin') : report
    def md = MessageDigest.getInstance('SHA-256')
    md.update(Files.readAllBytes(sources.resolve("${name}.iso")))
    assert md.digest().encodeHex().toString() == text(sources.resolve("${name}.iso.sha256")).trim() : "${name}.iso was modified"
}

// the CD with its own loader: booted from memory as a CD
assert buildLog.contains('Plan: memdisk-cd (it boots with a BIOS loader of its own and has no Linux menu and no EFI image')
def ownToken = text(sources.resolve('own.token')).trim()
def ownSerial = text(target.resolve('nixusb-own/boot-bios-usb.log'))
def ownMemdisk = ownSerial.indexOf('MEMDISK')
assert ownMemdisk >= 0 && ownSerial.indexOf("NIXUSB-OWN-LOADER-BOOTED token=${ownToken}", ownMemdisk) > ownMemdisk

// the control: the floppy CD as a stick finds nothing to boot
def control = new XmlSlurper().parse(target.resolve('nixusb-control-reports/TEST-nixusb-boot.xml').toFile())
assert control.@failures.toString() == '1'
def controlSerial = text(target.resolve('nixusb-control/boot-bios-usb.log'))
assert !controlSerial.contains('NIXUSB-FLOPPY-BOOTED')
assert control.testcase[0].failure.@message.toString() =~ /Boot failed|No bootable device|timed out/
return true
