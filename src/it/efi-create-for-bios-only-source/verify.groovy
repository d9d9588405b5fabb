// efi=create: GRUB EFI image made by nixusb boots the BIOS-only fixture from a UEFI USB stick and CD. It is made
// from the bundled boot loaders while the host's are invisible (invocation 1), and it is the same bytes as the
// image made with them visible (invocation 2); asking for the host's while they are invisible fails (3).
import java.nio.file.*
import java.security.MessageDigest

def fixture = Paths.get(fixtureDir)
def target = basedir.toPath().resolve('target')
def token = fixture.resolve('token').toFile().text.trim()
['bios-usb', 'uefi-usb', 'uefi-cdrom'].each { mode ->
    def serial = target.resolve("nixusb/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert serial.contains("token=${token}") : "token missing in ${mode}"
}
def junit = target.resolve('nixusb-reports/TEST-nixusb-boot.xml').toFile().text
assert junit.contains('tests="3"') && junit.contains('failures="0"') && junit.contains('errors="0"') : junit
def uefiSerial = target.resolve('nixusb/boot-uefi-usb.log').toFile().getText('ISO-8859-1')
assert uefiSerial.contains('BdsDxe') && uefiSerial.contains('USB') : 'OVMF did not boot the USB stick'

def sha = { Path p ->
    def md = MessageDigest.getInstance('SHA-256')
    Files.newInputStream(p).withCloseable { input ->
        byte[] b = new byte[1 << 20]
        int n
        while ((n = input.read(b)) > 0) { md.update(b, 0, n) }
    }
    md.digest().encodeHex().toString()
}
def invisible = target.resolve('efi-create-for-bios-only-source-1.0-usb.iso')
def visible = target.resolve('host-visible.iso')
assert Files.size(invisible) > 1000000 && Files.size(visible) > 1000000
assert sha(invisible) == sha(visible) : 'the bundled boot loaders must give the same bytes whether or not the host has its own'
assert !Files.exists(target.resolve('host-mode.iso')) : 'the failed host-mode build must leave no image'
assert Files.list(target).noneMatch { it.fileName.toString().endsWith('.part') } : 'no partial output'

def buildLog = new File(basedir, 'build.log').text
assert buildLog.contains('from org.nixusb:nixusb-bootloaders:') : 'the log names the bundle the files came from'
assert buildLog.contains('GRUB from org.nixusb:nixusb-bootloaders:') : 'and where GRUB came from'
assert buildLog.contains('no syslinux installation found; searched [target/empty-host-root/usr/lib/ISOLINUX') :
        'invocation 4 fails on the missing host syslinux'

assert sha(fixture.resolve('nixos-like-bios.iso')) == fixture.resolve('nixos-like-bios.iso.sha256').toFile().text.split(/\s+/)[0]
return true
