// Both UEFI modes fail for a BIOS-only hybrid, each for the right reason.
def buildLog = new File(basedir, 'build.log').text
assert buildLog.contains('UEFI: none')
assert buildLog =~ /Boot uefi-usb FAILED after [0-9.]+ s: the image is not laid out for UEFI USB boot \(there is no El Torito EFI boot image\)/
assert buildLog =~ /Boot uefi-cdrom FAILED after [0-9.]+ s: the console printed "(UEFI Interactive Shell|No bootable option or device was found)"/
def serial = basedir.toPath().resolve('target/nixusb/boot-uefi-cdrom.log').toFile().getText('ISO-8859-1')
assert serial.contains('BdsDxe') : 'OVMF did not run'
assert !serial.contains('NIXUSB-FIXTURE-BOOTED root=')
return true
