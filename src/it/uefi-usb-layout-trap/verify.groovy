// The CD-only fixture has an El Torito EFI entry but no MBR and no GPT. (1) uefi-usb refuses it on the layout
// check; (2) booted anyway with its catalog masked, OVMF finds nothing to boot; (3) unmasked, OVMF boots its
// El Torito EFI image from the disk, which is why the mask is needed for uefi-usb to prove the partition path.
import java.nio.file.*
def target = basedir.toPath().resolve('target')
def layout = target.resolve('layout-check/boot-uefi-usb.log').toFile().text
assert layout.contains('layout check failed, not booted') && layout.contains('sector 0 has no MBR signature') : layout
def masked = target.resolve('masked/boot-uefi-usb.log').toFile().getText('ISO-8859-1')
assert !masked.contains('NIXUSB-FIXTURE-BOOTED') : 'the masked boot must not reach the fixture'
assert masked =~ /No bootable option or device was found|UEFI Interactive Shell|Shell>/ : 'OVMF must give up: ' + masked.takeRight(2000)
def unmasked = target.resolve('unmasked/boot-uefi-usb.log').toFile().getText('ISO-8859-1')
assert unmasked.contains('NIXUSB-FIXTURE-BOOTED') : 'without the mask OVMF boots the El Torito EFI image: ' + unmasked.takeRight(2000)
return true
