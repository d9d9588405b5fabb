// Each machine booted its own kernel from the one image: the PC's BIOS and UEFI paths the x86_64 kernel, the arm64
// machine's UEFI path the arm64 kernel; the created GRUB config offers each GRUB its own entry.
import groovy.xml.XmlSlurper
import java.nio.file.*

def buildLog = new File(basedir, 'build.log').text
def target = basedir.toPath().resolve('target')
def token = Paths.get(fixtureDir).resolve('arm64/token-arm64').toFile().text.trim()

assert buildLog.contains("GRUB: 'NixOS Live CD (x86_64)' is offered by the x64 GRUB only (its kernel is for x64)")
assert buildLog =~ /GRUB: '[^']+' is offered by the aa64 GRUB only \(its kernel is for aa64\)/
assert buildLog =~ /ISOLINUX: left out '[^']+': its kernel \S+ is for aa64/

['pc': ['bios-usb', 'uefi-usb'], 'arm64': ['uefi-usb']].each { run, modes ->
    def junit = new XmlSlurper().parse(target.resolve("nixusb-${run}-reports/TEST-nixusb-boot.xml").toFile())
    assert junit.@tests.toString() == "${modes.size()}" && junit.@failures.toString() == '0'
    modes.each { mode ->
        def serial = target.resolve("nixusb-${run}/boot-${mode}.log").toFile().getText('ISO-8859-1')
        def arch = run == 'pc' ? 'x86_64' : 'aarch64'
        assert serial =~ /NIXUSB-FIXTURE-BOOTED root=\S+ token=${token} secureboot=\S+ arch=${arch}/ : "${run} ${mode}"
    }
}

// the control: the source itself is no stick
def control = new XmlSlurper().parse(target.resolve('nixusb-control-reports/TEST-nixusb-boot.xml').toFile())
assert control.@failures.toString() == '1'
assert !target.resolve('nixusb-control/boot-uefi-usb.log').toFile().getText('ISO-8859-1').contains('NIXUSB-FIXTURE-BOOTED root=')

// the config both GRUBs read: each entry behind its processor's $grub_cpu test, a default per GRUB
def cfgOut = target.resolve('grub.cfg')
Files.deleteIfExists(cfgOut)
def p = new ProcessBuilder(['xorriso', '-osirrox', 'on', '-indev', target.resolve('both-usb.iso').toString(),
        '-extract', '/boot/grub/arm64-efi/grub.cfg', cfgOut.toString()]).redirectErrorStream(true).start()
p.inputStream.text
assert p.waitFor() == 0
def cfg = cfgOut.toFile().text
assert cfg.contains('if [ "$grub_cpu" = arm64 ]; then') && cfg.contains('if [ "$grub_cpu" = x86_64 ]; then') : cfg
def check = new ProcessBuilder(['grub-script-check', cfgOut.toString()]).redirectErrorStream(true).start()
def checked = check.inputStream.text
assert check.waitFor() == 0 : "grub-script-check: ${checked}"
return true
