// Both CD boots of the remaster whose kernel is text must fail, each on the kernel, not on a timeout.
def buildLog = new File(basedir, 'build.log').text
def target = basedir.toPath().resolve('target')
assert buildLog =~ /Boot bios-cdrom FAILED/ : 'bios-cdrom must fail'
assert buildLog =~ /Boot uefi-cdrom FAILED/ : 'uefi-cdrom must fail'
assert !buildLog.contains('PASSED')
def bios = target.resolve('nixusb/boot-bios-cdrom.log').toFile().getText('ISO-8859-1')
assert bios.contains('ISOLINUX') && bios =~ /Booting kernel failed|Invalid or corrupt kernel image/ : bios.takeRight(1500)
def uefi = target.resolve('nixusb/boot-uefi-cdrom.log').toFile().getText('ISO-8859-1')
assert uefi =~ /invalid magic number|you need to load the kernel first/ : uefi.takeRight(1500)
assert !bios.contains('NIXUSB-FIXTURE-BOOTED') && !uefi.contains('NIXUSB-FIXTURE-BOOTED')
return true
