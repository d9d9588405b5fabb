def buildLog = new File(basedir, 'build.log').text
assert buildLog.contains('Direct boot of nixos-livecd PASSED')
assert buildLog =~ /qemu command \(rerun by hand\): \S+qemu-system-x86_64 .*-kernel \S+nixos-livecd-kernel -initrd \S+nixos-livecd-initrd -append '[^']*boot\.trace console=ttyS0'/
def log = new File(basedir, 'target/nixusb/debug-nixos-livecd.log').getText('ISO-8859-1')
assert log.contains('Kernel command line:') && log.contains('boot.trace console=ttyS0')
def token = new File(fixtureDir, 'token').text.trim()
assert log.contains("token=${token}")
return true
