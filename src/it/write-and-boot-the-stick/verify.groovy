// The written stick (a file) is the image byte for byte, and it booted in both modes, read-only.
import java.nio.file.*
import java.security.MessageDigest
def buildLog = new File(basedir, 'build.log').text
def target = basedir.toPath().resolve('target')
def sha(Path p) {
    def md = MessageDigest.getInstance('SHA-256')
    p.toFile().withInputStream { s -> byte[] b = new byte[1 << 20]; int n; while ((n = s.read(b)) > 0) { md.update(b, 0, n) } }
    return md.digest().encodeHex().toString()
}
def stick = target.resolve('stick.img')
assert sha(stick) == sha(target.resolve('write-and-boot-the-stick-1.0-usb.iso')) : 'the stick must hold the image, unchanged by the boots'
assert buildLog.contains('Booting the written ' + stick) : 'the written stick must be booted'
['bios-usb', 'uefi-usb'].each { mode ->
    assert buildLog =~ /Boot ${mode} PASSED/ : "${mode} of the written stick did not pass"
    assert target.resolve("nixusb/written-${mode}.log").toFile().getText('ISO-8859-1').contains('NIXUSB-FIXTURE-BOOTED')
}
assert buildLog.contains('its El Torito catalog (block') : 'uefi-usb of the stick must go through the partition table'
return true
