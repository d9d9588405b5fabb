// The installer's first dialog on the serial console in all three modes: UEFI through the GRUB made from Debian's
// ISOLINUX menus, BIOS through its own ISOLINUX; labels without a UEFI equivalent left out, each said; the
// ISOLINUX files as they were (but the menus kernelArgs reached); the source fails as a UEFI CD.
import java.nio.file.*

def target = basedir.toPath().resolve('target')
def buildLog = new File(basedir, 'build.log').text
assert buildLog =~ /UEFI: created \S+ \([^\n]* from the ISOLINUX menu: Install, Advanced options > Expert install/
assert buildLog.contains("UEFI: left out 'Help' (label help): it loads another syslinux config")
assert buildLog.contains("UEFI: left out 'Advanced options > Back..' (label mainmenu): it names no kernel")
assert buildLog.contains("Kept boot configs get kernelArgs 'console=ttyS0': /debian-installer/amd64/boot-screens/txt.cfg")
['uefi-usb', 'uefi-cdrom', 'bios-usb'].each { mode ->
    def serial = target.resolve("nixusb/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert serial.contains('Select a language') : "${mode} did not reach the installer"
    assert serial.contains(mode == 'bios-usb' ? 'ISOLINUX' : 'GRUB') : "${mode} booted through the wrong loader"
}
def junit = target.resolve('nixusb-reports/TEST-nixusb-boot.xml').toFile().text
assert junit =~ /tests="3"/ && junit =~ /failures="0"/ : junit.take(400)
def control = target.resolve('nixusb-source/boot-uefi-cdrom.log').toFile().getText('ISO-8859-1')
assert !control.contains('Select a language') && buildLog =~ /Boot uefi-cdrom of \S+debian-installer-cd\.iso FAILED/
assert buildLog =~ /Boot uefi-usb of \S+debian-installer-cd\.iso FAILED[^\n]*there is no El Torito EFI boot image/
def extract = { Path iso, String path, Path to ->
    def p = new ProcessBuilder('xorriso', '-osirrox', 'on', '-indev', iso.toString(), '-extract', path, to.toString())
            .redirectErrorStream(true).start()
    p.inputStream.text
    assert p.waitFor() == 0
    to
}
def source = Paths.get(fixtureDir).resolveSibling('debian-installer').resolve('debian-installer-cd.iso')
def out = target.resolve('debian-installer-cd-boots-uefi-1.0-usb.iso')
['/isolinux/isolinux.bin', '/isolinux.cfg', '/debian-installer/amd64/boot-screens/menu.cfg'].each { f ->
    def a = extract(source, f, target.resolve('src' + f.replace('/', '_')))
    def b = extract(out, f, target.resolve('out' + f.replace('/', '_')))
    assert Files.mismatch(a, b) == -1L : "${f} changed"
}
return true
