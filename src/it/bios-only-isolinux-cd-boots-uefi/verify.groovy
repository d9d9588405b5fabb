// The UEFI path made from the ISOLINUX menu boots (GRUB, as a UEFI stick and CD), the BIOS stick still boots the
// source's own ISOLINUX, whose files are the source's byte for byte; the labels without a UEFI equivalent were
// left out, each said once; the source itself does not boot from a UEFI CD.
import java.nio.file.*

def fixture = Paths.get(fixtureDir)
def target = basedir.toPath().resolve('target')
def buildLog = new File(basedir, 'build.log').text
def token = fixture.resolve('token').toFile().text.trim()
assert buildLog =~ /UEFI: created \S+ \(\d+ KiB FAT; EFI\/BOOT\/BOOTX64\.EFI: GRUB from [^\n]*\)[^\n]* from the ISOLINUX menu: Live system/
assert buildLog.contains("UEFI: left out 'Hardware Detection Tool' (label hdt): hdt.c32 is a com32, which runs in BIOS only")
assert buildLog.contains("UEFI: left out 'Boot from the first hard disk' (label local): LOCALBOOT boots the next device")
['uefi-usb', 'uefi-cdrom', 'bios-usb'].each { mode ->
    def serial = target.resolve("nixusb/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert serial.contains("token=${token}") : "${mode} did not boot the fixture"
    if (mode == 'bios-usb') {
        assert serial.contains('ISOLINUX') : 'the BIOS stick boots the source ISOLINUX'
    } else {
        assert serial.contains('GRUB') : "${mode} boots the created GRUB"
    }
}
def junit = target.resolve('nixusb-reports/TEST-nixusb-boot.xml').toFile().text
assert junit =~ /tests="3"/ && junit =~ /failures="0"/ : junit.take(400)
// control: the source as a UEFI CD boots nothing
def control = target.resolve('nixusb-source/boot-uefi-cdrom.log').toFile().getText('ISO-8859-1')
assert !control.contains('NIXUSB-FIXTURE-BOOTED') && buildLog =~ /Boot uefi-cdrom of \S+nixos-like-isolinux-cd\.iso FAILED/
assert buildLog =~ /Boot uefi-usb of \S+nixos-like-isolinux-cd\.iso FAILED[^\n]*there is no El Torito EFI boot image/
// the ISOLINUX files are the source's
def extract = { Path iso, String path, Path to ->
    def p = new ProcessBuilder('xorriso', '-osirrox', 'on', '-indev', iso.toString(), '-extract', path, to.toString())
            .redirectErrorStream(true).start()
    p.inputStream.text
    assert p.waitFor() == 0
    to
}
def out = target.resolve('bios-only-isolinux-cd-boots-uefi-1.0-usb.iso')
['/isolinux/isolinux.bin', '/isolinux/isolinux.cfg', '/isolinux/menu.cfg', '/isolinux/ldlinux.c32'].each { f ->
    def a = extract(fixture.resolve('nixos-like-isolinux-cd.iso'), f, target.resolve('src-' + f.replace('/', '_')))
    def b = extract(out, f, target.resolve('out-' + f.replace('/', '_')))
    assert Files.mismatch(a, b) == -1L : "${f} changed"
}
return true
