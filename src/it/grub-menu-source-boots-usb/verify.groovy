// A GRUB-menu-only source (made by xorriso): the menuentry becomes an ISOLINUX label, and the image boots,
// where the source itself does not.
import java.nio.file.*
import java.security.MessageDigest

def fixture = Paths.get(fixtureDir)
def buildLog = new File(basedir, 'build.log').text
def token = fixture.resolve('token').toFile().text.trim()
assert buildLog.contains('No systemd-boot entries; converting the GRUB menu /boot/grub/grub.cfg')
assert buildLog =~ /Boot entries from nixos-like-grub\.iso!\/boot\/grub\/grub\.cfg: \S+ \(\/boot\/bzImage\)/
assert buildLog.contains('Boot bios-usb PASSED') : 'the converted GRUB menu did not boot'
def serial = basedir.toPath().resolve('target/nixusb/boot-bios-usb.log').toFile().getText('ISO-8859-1')
assert serial.contains("token=${token}") : 'the fixture did not find its root by label'
// the kernel got the menuentry's own arguments, not only nixusb's
assert serial.contains('boot.shell_on_fail') : 'the menuentry arguments were lost'
// the negative control ran first: the CD-only source as a USB stick fails, for the right reason
def sourceSerial = basedir.toPath().resolve('target/nixusb-source/boot-bios-usb.log').toFile().getText('ISO-8859-1')
assert !sourceSerial.contains('NIXUSB-FIXTURE-BOOTED root=')
assert buildLog =~ /Boot bios-usb of \S+nixos-like-grub\.iso FAILED/ : 'the source was not refused'
assert buildLog =~ /Boot failed|No bootable device/
assert buildLog.contains('the build goes on (testFailureIgnore')
assert buildLog.indexOf('nixos-like-grub.iso FAILED') < buildLog.indexOf('Boot bios-usb PASSED')
def md = MessageDigest.getInstance('SHA-256')
md.update(Files.readAllBytes(fixture.resolve('nixos-like-grub.iso')))
assert md.digest().encodeHex().toString() == fixture.resolve('nixos-like-grub.iso.sha256').toFile().text.split(/\s+/)[0]
return true
