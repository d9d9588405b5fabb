// Without a project, nixusb:boot booted the image given on the command line as 16 GiB sticks, in BIOS and UEFI
// (the UEFI boot through the partition table only), and wrote its logs and reports below the current directory.
import java.nio.file.*
def buildLog = new File(basedir, 'build.log').text
assert buildLog.contains('on project standalone-pom') || buildLog.contains('standalone-pom') : 'ran without a POM'
['bios-usb', 'uefi-usb'].each { mode ->
    assert buildLog =~ /Boot ${mode} PASSED/ : "${mode} did not pass"
    assert buildLog.contains("${mode}: a 16 GiB virtual stick") : "${mode} did not boot a 16 GiB stick"
}
assert buildLog.contains('its El Torito catalog (block') : 'uefi-usb must mask the catalog'
def target = basedir.toPath().resolve('target')
assert Files.isRegularFile(target.resolve('nixusb/boot-uefi-usb.log'))
assert Files.isRegularFile(target.resolve('nixusb-reports/TEST-nixusb-boot.xml'))
return true
