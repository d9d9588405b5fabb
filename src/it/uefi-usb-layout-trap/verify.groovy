// The CD-only fixture has an El Torito EFI entry but no MBR and no GPT: the uefi-usb mode must refuse it
// even though QEMU's OVMF would boot it.
def buildLog = new File(basedir, 'build.log').text
assert buildLog =~ /Boot uefi-usb FAILED after [0-9.]+ s: the image is not laid out for UEFI USB boot \(sector 0 has no MBR signature; primary GPT header is missing\)/
assert !buildLog.contains('Boot uefi-usb PASSED')
return true
