// Sources that already boot from a stick: the remaster changes nothing (byte copies, MD5 tags still valid),
// and each copy boots as a BIOS and a UEFI stick, with the token read from the image it mounted by label.
import java.nio.file.*
import java.security.MessageDigest

def fixture = Paths.get(fixtureDir)
def target = basedir.toPath().resolve('target')
def buildLog = new File(basedir, 'build.log').text
def token = fixture.resolve('token').toFile().text.trim()
def sha(Path p) {
    def md = MessageDigest.getInstance('SHA-256')
    p.toFile().withInputStream { s -> byte[] b = new byte[1 << 20]; int n; while ((n = s.read(b)) > 0) { md.update(b, 0, n) } }
    return md.digest().encodeHex().toString()
}
assert buildLog.count('The source is already a USB hybrid') == 2 : 'both sources must be recognised'
['isohybrid', 'grub-hybrid'].each { name ->
    def source = fixture.resolve("nixos-like-${name}.iso")
    def out = target.resolve("${name}-usb.iso")
    assert sha(out) == sha(source) : "${name}: the output must be the source byte for byte"
    assert sha(source) == fixture.resolve("nixos-like-${name}.iso.sha256").toFile().text.split(/\s+/)[0]
    def check = new ProcessBuilder('xorriso', '-md5', 'on', '-indev', out.toString(), '-check_md5', 'FAILURE', '--')
            .redirectErrorStream(true).start()
    def text = check.inputStream.text
    check.waitFor()
    assert check.exitValue() == 0 && text.contains('Ok, session data match recorded md5') : "${name}: ${text}"
    ['bios-usb', 'uefi-usb'].each { mode ->
        assert buildLog =~ /Boot ${mode} PASSED/ : "${name} ${mode} did not pass"
        def serial = target.resolve("nixusb-${name}/boot-${mode}.log").toFile().getText('ISO-8859-1')
        assert serial.contains("NIXUSB-FIXTURE-BOOTED") && serial.contains("token=${token}") :
                "${name} ${mode}: the fixture did not find its root by label"
    }
}
// the BIOS boots went through each source's own loader: ISOLINUX and GRUB
assert target.resolve('nixusb-isohybrid/boot-bios-usb.log').toFile().getText('ISO-8859-1').contains('ISOLINUX')
assert target.resolve('nixusb-grub-hybrid/boot-bios-usb.log').toFile().getText('ISO-8859-1').contains('GNU GRUB')
return true
