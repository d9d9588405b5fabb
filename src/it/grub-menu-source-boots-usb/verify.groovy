// A GRUB-menu-only source (made by xorriso, live-build's layout): the menuentry becomes an ISOLINUX label with
// its variables expanded, and the image boots, where the source itself does not.
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
// ... expanded as GRUB expands them: ${medium_label} from the sourced config.cfg, ${console_args} from an if
// that tests a file on the medium, the unset ${iso_path} as nothing; no '$' reaches the kernel
def cmdline = (serial =~ /Command line: ([^\r\n]*)/)
assert cmdline.find() : 'the kernel printed no command line'
def line = cmdline.group(1)
assert line.contains('root=LABEL=NIXOS_ISO') && line.contains('console=ttyS0') && line =~ /findiso=(\s|$)/ : line
assert !line.contains('$') : "a GRUB variable reached the kernel: ${line}"
assert !buildLog.contains('uses GRUB variables') && !buildLog.contains('leaves it out')
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
