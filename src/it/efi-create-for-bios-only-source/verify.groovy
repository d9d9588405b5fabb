// efi=create: GRUB EFI image made by nixusb boots the BIOS-only fixture from a UEFI USB stick and CD.
import java.nio.file.*
import java.security.MessageDigest

def fixture = Paths.get(fixtureDir)
def buildLog = new File(basedir, 'build.log').text
def token = fixture.resolve('token').toFile().text.trim()
assert buildLog.contains('UEFI: created /boot/efi.img')
['bios-usb', 'uefi-usb', 'uefi-cdrom'].each { mode ->
    assert buildLog.contains("Boot ${mode} PASSED") : "mode ${mode} did not pass"
    def serial = basedir.toPath().resolve("target/nixusb/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert serial.contains("token=${token}") : "token missing in ${mode}"
}
def uefiSerial = basedir.toPath().resolve('target/nixusb/boot-uefi-usb.log').toFile().getText('ISO-8859-1')
assert uefiSerial.contains('BdsDxe') && uefiSerial.contains('USB') : 'OVMF did not boot the USB stick'
def md = MessageDigest.getInstance('SHA-256')
md.update(Files.readAllBytes(fixture.resolve('nixos-like-bios.iso')))
assert md.digest().encodeHex().toString() == fixture.resolve('nixos-like-bios.iso.sha256').toFile().text.split(/\s+/)[0]
return true
