// Each kept config gave the booted kernel the argument: its own "Command line:" on the serial console says so.
// The control (the source as it is) boots without it.
import java.nio.file.*

def target = basedir.toPath().resolve('target')
def buildLog = new File(basedir, 'build.log').text
def cmdline = { String dir, String mode ->
    def serial = target.resolve("${dir}/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert serial.contains('NIXUSB-FIXTURE-BOOTED root=') : "${dir} ${mode} did not boot"
    def m = (serial =~ /Command line: ([^\r\n]*)/)
    assert m.find() : "${dir} ${mode}: the kernel printed no command line"
    m.group(1)
}
[['nixusb-isohybrid', 'bios-usb'], ['nixusb-isohybrid', 'uefi-usb'], ['nixusb-cd', 'uefi-usb'],
 ['nixusb-grub', 'uefi-usb']].each { dir, mode ->
    def line = cmdline(dir, mode)
    assert line.contains('nixusb.proof=kept-config') : "${dir} ${mode}: ${line}"
}
assert !cmdline('nixusb-control', 'bios-usb').contains('nixusb.proof') : 'the control must not have the argument'
assert buildLog.contains("Kept boot configs get kernelArgs 'nixusb.proof=kept-config': /isolinux/isolinux.cfg")
assert buildLog =~ /Kept boot configs get kernelArgs 'nixusb\.proof=kept-config': [^\n]*the El Torito EFI image!\/loader\/entries\//
assert buildLog.contains("Kept boot configs get kernelArgs 'nixusb.proof=kept-config': /boot/grub/grub.cfg")
assert (buildLog =~ /Boot \S+ PASSED/).size() == 5 : 'five boots must pass'
return true
