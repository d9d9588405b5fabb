// The remastered image's files on a FAT32 stick boot from UEFI with the fixture's marker, found by the stick's
// label; the source's files do not (its UEFI loader is only inside its El Torito EFI image), and fail for that
// reason; lint with fatCopy said both before anything booted. The image as a file on a multi-boot stick boots
// through its loopback.cfg, its initramfs finding the file (findiso=) and mounting the store inside it; the source,
// without a loopback.cfg, stops at GRUB's error.
import groovy.json.JsonSlurper
import java.nio.file.*

def target = basedir.toPath().resolve('target')
def buildLog = new File(basedir, 'build.log').text
def token = Paths.get(fixtureDir).resolve('token').toFile().text.trim()

// 1. the remaster put the EFI image's files into the tree
assert buildLog =~ /EFI tree: \d+ files? \(\d+ KiB\) of the El Torito EFI image also in the ISO tree/

// 2. lint: the source's copy lacks the loader, the image's lacks nothing but the label it needs
def lintSource = new JsonSlurper().parse(target.resolve('lint-source.json').toFile())
def sourceIds = lintSource.findings*.id
assert sourceIds.contains('FAT_COPY_NO_EFI_TREE') : sourceIds
def lintImage = new JsonSlurper().parse(target.resolve('lint-image.json').toFile())
def fat = lintImage.findings.findAll { it.id.startsWith('FAT_COPY') }
assert fat*.id == ['FAT_COPY_ROOT_BY_LABEL'] : fat
assert fat[0].severity == 'info' && fat[0].cure.contains('mkfs.fat -n NIXOS_ISO')

// 3. the image's files boot: the fixture mounted the FAT partition by its label and read its token
assert buildLog.contains('Boot uefi-fat-copy PASSED')
assert buildLog =~ /uefi-fat-copy: a 512\.0 MiB FAT32 stick \(MBR partition 1, type 0x0C, label NIXOS_ISO: the label its initramfs waits for\)/
def serial = target.resolve('nixusb/boot-uefi-fat-copy.log').toFile().getText('ISO-8859-1')
assert serial =~ /NIXUSB-FIXTURE-BOOTED root=\/dev\/sd[a-z]1 token=${token}/ : 'no marker from the FAT partition'

// 4. the control: the source's files on the same stick reach no loader
def control = target.resolve('nixusb-source/boot-uefi-fat-copy.log').toFile().getText('ISO-8859-1')
assert !control.contains('NIXUSB-FIXTURE-BOOTED')
assert control =~ /No bootable option or device was found|UEFI Interactive Shell/ : 'the control failed for another reason'
def junit = new groovy.xml.XmlSlurper().parse(target.resolve('nixusb-source-reports/TEST-nixusb-boot.xml').toFile())
assert junit.@failures.toString() == '4'

// 5. as a file on a multi-boot stick: GRUB read the image's loopback.cfg; the initramfs found the file by findiso=,
// loop-mounted it and the squashfs inside it (its token)
assert buildLog.contains('Boot uefi-loopback PASSED')
assert buildLog =~ /uefi-loopback: a 512\.0 MiB FAT32 multi-boot stick holding the image as \/isos\/fat-copy-and-iso-file-sticks-boot-1\.0-usb\.iso/
def loop = target.resolve('nixusb/boot-uefi-loopback.log').toFile().getText('ISO-8859-1')
assert loop.contains('findiso=/isos/fat-copy-and-iso-file-sticks-boot-1.0-usb.iso') : 'the loopback.cfg entry passed the file'
assert loop =~ /NIXUSB-FIXTURE-BOOTED root=\/dev\/sd[a-z]1:\/isos\/fat-copy-and-iso-file-sticks-boot-1\.0-usb\.iso token=${token} .* store=${token}/
// the copy of the files mounted the store too
assert serial =~ /NIXUSB-FIXTURE-BOOTED .* store=${token}/
def loopControl = target.resolve('nixusb-source/boot-uefi-loopback.log').toFile().getText('ISO-8859-1')
assert !loopControl.contains('NIXUSB-FIXTURE-BOOTED')
assert loopControl =~ /error: file `\/boot\/grub\/loopback\.cfg' not found/ : 'the loopback control failed for another reason'

// 6. the same files with the image's ISOLINUX installed as SYSLINUX, booted by SeaBIOS; the source (GRUB's El
// Torito image, no ISOLINUX) gets nothing installed, and mkfs.fat's boot sector says so
assert buildLog.contains('Boot bios-fat-copy PASSED')
assert buildLog =~ /bios-fat-copy: SYSLINUX installed in \/isolinux/
def biosCopy = target.resolve('nixusb/boot-bios-fat-copy.log').toFile().getText('ISO-8859-1')
assert biosCopy =~ /NIXUSB-FIXTURE-BOOTED root=\/dev\/sd[a-z]1 token=${token} .* store=${token}/
assert biosCopy.contains('SYSLINUX 6.04')
def biosControl = target.resolve('nixusb-source/boot-bios-fat-copy.log').toFile().getText('ISO-8859-1')
assert !biosControl.contains('NIXUSB-FIXTURE-BOOTED') && biosControl.contains('This is not a bootable disk')

// 7. the multi-boot stick under a BIOS: i386-pc GRUB in the MBR and the gap reads the same loopback.cfg
assert buildLog.contains('Boot bios-loopback PASSED')
assert buildLog =~ /bios-loopback: a 512\.0 MiB FAT32 multi-boot stick holding the image as \/isos\/\S+ booted by GRUB \(i386-pc GRUB from /
def biosLoop = target.resolve('nixusb/boot-bios-loopback.log').toFile().getText('ISO-8859-1')
assert biosLoop =~ /NIXUSB-FIXTURE-BOOTED root=\/dev\/sd[a-z]1:\/isos\/fat-copy-and-iso-file-sticks-boot-1\.0-usb\.iso token=${token} .* store=${token}/
def biosLoopControl = target.resolve('nixusb-source/boot-bios-loopback.log').toFile().getText('ISO-8859-1')
assert !biosLoopControl.contains('NIXUSB-FIXTURE-BOOTED')
assert biosLoopControl =~ /error: file `\/boot\/grub\/loopback\.cfg' not found/

// the sticks and their copies of the files are not left behind
assert !Files.exists(target.resolve('nixusb/boot-uefi-fat-copy-fat32-files'))
assert !Files.exists(target.resolve('nixusb/boot-uefi-loopback-loopback-files'))
return true
