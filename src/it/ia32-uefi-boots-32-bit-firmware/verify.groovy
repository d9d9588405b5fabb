// efiArchitectures=x64,ia32: both GRUBs in the EFI image, each booting in its own firmware (the kernel says which:
// efi=32 or efi=64); an image with the x64 loader only is refused as ia32 before QEMU starts, and booted in 32-bit
// firmware anyway (configured by hand) it boots nothing.
import java.nio.file.*

def target = basedir.toPath().resolve('target')
def buildLog = new File(basedir, 'build.log').text
def token = Paths.get(fixtureDir).resolve('token').toFile().text.trim()
assert buildLog =~ /UEFI: created \S+ \(\d+ KiB FAT; EFI\/BOOT\/BOOTX64\.EFI: GRUB from [^\n]*grub-efi-amd64-bin[^\n]*; EFI\/BOOT\/BOOTIA32\.EFI: GRUB from [^\n]*grub-efi-ia32-bin/
assert buildLog =~ /and \/boot\/grub\/x86_64-efi\/grub\.cfg, \/boot\/grub\/i386-efi\/grub\.cfg/
def ia32 = target.resolve('nixusb-ia32/boot-uefi-usb.log').toFile().getText('ISO-8859-1')
assert ia32.contains("token=${token}") && ia32.contains('efi=32') : 'the 32-bit firmware booted the image'
assert buildLog =~ /Booting \S+ as uefi-usb on ia32 in QEMU \([^)]*firmware \S*OVMF32/
def x64 = target.resolve('nixusb-x64/boot-uefi-usb.log').toFile().getText('ISO-8859-1')
assert x64.contains("token=${token}") && x64.contains('efi=64')
// an independent reader sees both loaders in the EFI partition
def p = new ProcessBuilder('xorriso', '-osirrox', 'on', '-indev', target.resolve('ia32-uefi-boots-32-bit-firmware-1.0-usb.iso').toString(),
        '-extract', '/boot/efi.img', target.resolve('efi.img').toString()).redirectErrorStream(true).start()
p.inputStream.text
assert p.waitFor() == 0
def dir = new ProcessBuilder('mdir', '-b', '-i', target.resolve('efi.img').toString(), '::/EFI/BOOT').redirectErrorStream(true)
        .start().inputStream.text
assert dir.contains('BOOTX64.EFI') && dir.contains('BOOTIA32.EFI') : dir
// control
assert buildLog.contains('nixusb.boot.arch=ia32, but the image has no /EFI/BOOT/BOOTIA32.EFI in its EFI image')
assert !target.resolve('nixusb-x64-only/boot-uefi-usb.log').toFile().exists()
// control, booted: the x64-only image in 32-bit firmware reaches the firmware's shell, not the marker
def x64In32 = target.resolve('nixusb-x64-in-ia32-firmware/boot-uefi-usb.log').toFile().getText('ISO-8859-1')
assert !x64In32.contains('NIXUSB-FIXTURE-BOOTED') && buildLog =~ /Boot uefi-usb of \S+x64-only\.iso FAILED/
return true
