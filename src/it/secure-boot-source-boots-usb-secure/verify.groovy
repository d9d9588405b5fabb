// Signed: both Secure Boot modes pass with secureboot=1 and the EFI image is the source's, byte for byte.
// Controls: an unsigned BOOTX64.EFI fails with Access Denied, announced before the boot.
// On a KVM without System Management Mode (made up by prebuild.groovy) they fall back to software emulation.
import java.nio.file.*
import java.security.MessageDigest
def buildLog = new File(basedir, 'build.log').text
def target = basedir.toPath().resolve('target')
def fixture = Paths.get(fixtureDir)
['uefi-usb-secure', 'uefi-cdrom-secure'].each { mode ->
    assert buildLog =~ /Boot ${mode} PASSED/ : "${mode} of the signed source did not pass"
    def serial = target.resolve("nixusb-signed/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert serial.contains('secureboot=1') : "${mode}: Secure Boot must be on"
}
assert buildLog.contains('uefi-usb-secure: a 8 GiB virtual stick') && buildLog.contains('its El Torito catalog (block')
def extract(Path iso, String path, Path to) {
    def p = new ProcessBuilder('xorriso', '-osirrox', 'on', '-indev', iso.toString(), '-extract', path, to.toString())
            .redirectErrorStream(true).start()
    p.inputStream.text
    assert p.waitFor() == 0
    def md = MessageDigest.getInstance('SHA-256')
    md.update(Files.readAllBytes(to))
    return md.digest().encodeHex().toString()
}
assert extract(fixture.resolve('nixos-like-secure.iso'), '/boot/efi.img', target.resolve('src-efi.img')) ==
        extract(target.resolve('signed-usb.iso'), '/boot/efi.img', target.resolve('out-efi.img')) :
        'efi=keep must copy the signed EFI image unchanged'
['unsigned': 'uefi-usb-secure', 'created': 'uefi-cdrom-secure'].each { name, mode ->
    assert buildLog =~ /${mode}: the EFI loader EFI\/BOOT\/BOOTX64.EFI in the El Torito EFI image at block \d+ has no Authenticode signature/
    def serial = target.resolve("nixusb-${name}/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert serial.contains('Access Denied') && !serial.contains('NIXUSB-FIXTURE-BOOTED') : "${name}: ${serial.takeRight(1500)}"
}
assert buildLog.count('FAILED after') >= 2
// every secure boot (the controls always boot) holds the latest pinned SBAT level, as an up-to-date PC does
def written = buildLog.readLines().findAll { it.contains(': firmware variables ') }
assert written.size() >= 2 && written.every { it =~ /SbatLevel 20\d{8} \([^)]*\), latest/ } : written
// the default accelerator on a KVM without System Management Mode (smm-qemu): the first secure boot started with KVM,
// failed with QEMU's message, and booted again in software emulation; later secure boots go to software at once
def starts = new File(basedir, 'qemu-calls.txt').readLines().findAll { it.contains('-serial mon:stdio') }
def withKvm = starts.findAll { it.contains('-accel kvm ') }
assert buildLog.contains('KVM probe (once per build): usable') : 'the KVM probe did not see the stand-in KVM'
assert !withKvm.isEmpty() && withKvm.size() <= 2 : "machines started with KVM: ${withKvm.size()}"
assert buildLog.contains('cannot emulate System Management Mode, which the Secure Boot firmware needs') &&
        buildLog.contains('booting again in software emulation') : 'no fallback to software emulation'
// the signed boots may come from the boot cache (a passed boot is kept); the controls fail, so they always boot
def booted = 4 - buildLog.count(': reused the result of ')
assert starts.size() == withKvm.size() + booted : "each of the ${booted} secure boots ends in software emulation: ${starts}"
return true
