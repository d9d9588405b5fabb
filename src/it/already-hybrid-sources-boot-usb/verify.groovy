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
assert buildLog.count('The source is already a USB hybrid') == 4 : 'every source must be recognised'
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
    passedPerSource(target, name)
    ['bios-usb', 'uefi-usb'].each { mode ->
        def serial = target.resolve("nixusb-${name}/boot-${mode}.log").toFile().getText('ISO-8859-1')
        assert serial.contains("NIXUSB-FIXTURE-BOOTED") && serial.contains("token=${token}") :
                "${name} ${mode}: the fixture did not find its root by label"
        secondSession(name, mode, serial)
    }
}
// each source's own boots passed: its own JUnit report, two tests, none failed (not any PASSED line of the build)
def passedPerSource(Path target, String name) {
    def junit = target.resolve("nixusb-${name}-reports/TEST-nixusb-boot.xml").toFile().text
    assert junit =~ /tests="2"/ && junit =~ /failures="0"/ && junit =~ /errors="0"/ : "${name}: ${junit.take(400)}"
}
// an Ubuntu-style source (-partition_offset 16) keeps a second session in partition 1, 64 KiB in: the boot's own
// marker line names /dev/sda1, the session it mounted
def secondSession(String name, String mode, String serial) {
    if (name.startsWith('grub-hybrid')) {
        def m = (serial =~ /NIXUSB-FIXTURE-BOOTED root=(\S+)/)
        def root = m.find() ? m.group(1) : 'nothing'
        assert root == '/dev/sda1' : "${name} ${mode} mounted ${root}, not the second session"
    }
}
// with a file replaced, each keeps its maker's layout, its MD5 tags match, and the boots read the new token
def run(List cmd) {
    def p = new ProcessBuilder(cmd).redirectErrorStream(true).start()
    def text = p.inputStream.text
    p.waitFor()
    return [p.exitValue(), text]
}
def decisions(Path iso) {
    def (code, text) = run(['xorriso', '-indev', iso.toString(), '-report_system_area', 'plain'])
    return text.readLines().findAll { it =~ /^(System area summary|Partition offset|GPT type GUID|GPT partname local|MBR heads)/ }
}
['isohybrid', 'grub-hybrid'].each { name ->
    def source = fixture.resolve("nixos-like-${name}.iso")
    def out = target.resolve("${name}-overlay-usb.iso")
    assert decisions(out) == decisions(source) : "${name}: the layout changed"
    def (code, text) = run(['xorriso', '-md5', 'on', '-indev', out.toString(), '-check_media', '--'])
    assert code == 0 && text.contains('md5_match') && !text.contains('md5_mismatch') : "${name}: ${text}"
    passedPerSource(target, "${name}-overlay")
    ['bios-usb', 'uefi-usb'].each { mode ->
        def serial = target.resolve("nixusb-${name}-overlay/boot-${mode}.log").toFile().getText('ISO-8859-1')
        assert serial.contains('token=overlay-token-layout-kept') : "${name} ${mode}: the replaced token was not read"
        secondSession("${name}-overlay", mode, serial)
    }
}
assert buildLog.count('Kept the source\'s hybrid layout') == 2

// the BIOS boots went through each source's own loader: ISOLINUX and GRUB
assert target.resolve('nixusb-isohybrid/boot-bios-usb.log').toFile().getText('ISO-8859-1').contains('ISOLINUX')
assert target.resolve('nixusb-grub-hybrid/boot-bios-usb.log').toFile().getText('ISO-8859-1').contains('GNU GRUB')
return true
