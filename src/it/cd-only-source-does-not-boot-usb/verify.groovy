// The CD-only source must fail as a USB stick, and for the right reason: SeaBIOS finds nothing to boot.
import java.nio.file.*
import java.security.MessageDigest

def buildLog = new File(basedir, 'build.log').text
assert buildLog.contains('Boot bios-usb of') && buildLog.contains('FAILED') : 'the boot goal did not report a failed boot'
assert buildLog =~ /Boot failed|No bootable device/ : 'the boot failed for another reason than an unbootable disk'
assert !(buildLog =~ /NIXUSB-FIXTURE-BOOTED root=\/dev/)
def serial = basedir.toPath().resolve('target/nixusb/boot-bios-usb.log').toFile().getText('ISO-8859-1')
assert !serial.contains('NIXUSB-FIXTURE-BOOTED root=')

def fixture = Paths.get(fixtureDir)
def md = MessageDigest.getInstance('SHA-256')
md.update(Files.readAllBytes(fixture.resolve('nixos-like.iso')))
assert md.digest().encodeHex().toString() == fixture.resolve('nixos-like.iso.sha256').toFile().text.split(/\s+/)[0]
return true
