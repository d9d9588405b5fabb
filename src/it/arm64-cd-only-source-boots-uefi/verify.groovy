// The arm64 CD-only source gets no BIOS path and boots on the arm64 machine as a UEFI stick (catalog masked) and a
// UEFI CD; efi=create's GRUB arm64 boots with the entries' command line; Debian's signed arm64 chain boots under
// Secure Boot; controls: the source itself does not boot as a stick, the unsigned GRUB is refused under Secure Boot,
// a BIOS mode and a forced machine without its loader are refused before QEMU starts; inspect reports aa64 only.
import groovy.json.JsonSlurper
import java.nio.file.*

def fixture = Paths.get(fixtureDir).resolve('arm64')
def target = basedir.toPath().resolve('target')
def buildLog = new File(basedir, 'build.log').text
def token = fixture.resolve('token-arm64').toFile().text.trim()
def out = target.resolve('arm64-cd-only-source-boots-uefi-1.0-usb.iso')

assert buildLog.contains('Architectures: EFI loaders: aa64 (EFI image 1:/EFI/BOOT/BOOTAA64.EFI); kernels: aa64 (/boot/Image)')
assert buildLog.contains('No BIOS path: the source\'s EFI loaders and kernels are aa64 only')
assert buildLog.contains('MBR without boot code (UEFI only)')
// the source is never modified
def sha = fixture.resolve('nixos-like-arm64.iso.sha256').toFile().text.split()[0]
def digest = java.security.MessageDigest.getInstance('SHA-256')
fixture.resolve('nixos-like-arm64.iso').toFile().withInputStream { s -> byte[] b = new byte[1 << 20]; int n; while ((n = s.read(b)) > 0) digest.update(b, 0, n) }
assert digest.digest().encodeHex().toString() == sha : 'the source changed'

// independent readers: one El Torito entry, UEFI; an MBR with the 0xEF slot (fdisk) and no boot code
def run = { List<String> cmd ->
    def p = new ProcessBuilder(cmd).redirectErrorStream(true).start()
    def text = p.inputStream.text
    p.waitFor()
    text
}
def report = run(['xorriso', '-indev', out.toString(), '-report_el_torito', 'plain', '-report_system_area', 'plain'])
assert report =~ /El Torito boot img :\s+1\s+UEFI/ : report
assert !(report =~ /El Torito boot img :\s+\d+\s+BIOS/) : report
assert report =~ /MBR partition      :   2   0x00  0xef/ : report
byte[] head = new byte[440]
new RandomAccessFile(out.toFile(), 'r').withCloseable { it.readFully(head) }
assert head.every { it == 0 } : 'no x86 boot code in the MBR'
assert run(['fdisk', '-l', out.toString()]) =~ /usb\.iso2\s+\d+\s+\d+\s+\d+\s+[\d.]+M\s+ef\s+EFI/

['uefi-usb', 'uefi-cdrom'].each { mode ->
    def serial = target.resolve("nixusb/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert serial.contains("token=${token}") && serial.contains('arch=aarch64') : "${mode} did not boot the arm64 image"
    assert buildLog =~ /Booting \S+ as ${mode} on aarch64 in QEMU \(\S*qemu-system-aarch64, software emulation/
}
assert buildLog.contains('the image\'s UEFI loaders are for aa64: booting on the aarch64 machine (nixusb.boot.arch=auto)')
assert target.resolve('nixusb/boot-uefi-usb.png').toFile().length() > 0 : 'a screenshot of the arm64 machine'
def junit = target.resolve('nixusb-reports/TEST-nixusb-boot.xml').toFile().text
assert junit =~ /tests="2"/ && junit =~ /failures="0"/ : junit.take(400)

// efi=create: GRUB arm64 from the bundle, the entries' command line with kernelArgs
assert buildLog =~ /UEFI: created \S+ \(\d+ KiB FAT; EFI\/BOOT\/BOOTAA64\.EFI: GRUB from [^\n]*grub-efi-arm64-bin/
def created = target.resolve('nixusb-created/boot-uefi-usb.log').toFile().getText('ISO-8859-1')
assert created.contains('GNU GRUB') && created =~ /Kernel command line: .*root=LABEL=NIXOS_ISO console=ttyAMA0 nixusb\.created=1/
assert created.contains("token=${token}")

// Secure Boot on arm64: the signed chain (shim, GRUB for CDs, kernel) kept byte for byte, Secure Boot on
['uefi-usb-secure', 'uefi-cdrom-secure'].each { mode ->
    def serial = target.resolve("nixusb-secure/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert serial =~ /NIXUSB-FIXTURE-BOOTED root=\S+ token=\S+ secureboot=1 arch=aarch64/ : "${mode}"
    assert buildLog =~ /Booting secure-usb\.iso as ${mode} on aarch64 in QEMU \([^)]*firmware \S*AAVMF_CODE\.ms\.fd/
}
// controls
assert buildLog =~ /uefi-usb-secure: the EFI loader EFI\/BOOT\/BOOTAA64\.EFI in the El Torito EFI image at block \d+ has no Authenticode signature/
assert target.resolve('nixusb-unsigned/boot-uefi-usb-secure.log').toFile().getText('ISO-8859-1').contains('Access Denied')
def control = target.resolve('nixusb-source/boot-uefi-usb.log').toFile().getText('ISO-8859-1')
assert !control.contains('NIXUSB-FIXTURE-BOOTED') && buildLog =~ /Boot uefi-usb of \S+nixos-like-arm64\.iso FAILED/
assert buildLog.contains('bios-usb cannot boot it: its EFI loaders and kernels are for aa64 only, and a PC BIOS runs x86 code')
assert !target.resolve('nixusb-bios/boot-bios-usb.log').toFile().exists() : 'no QEMU was started for the BIOS mode'
assert buildLog.contains('nixusb.boot.arch=aarch64, but the image has no /EFI/BOOT/BOOTAA64.EFI in its EFI image')
assert !target.resolve('nixusb-forced/boot-uefi-cdrom.log').toFile().exists()

def json = new JsonSlurper().parse(target.resolve('inspect.json').toFile())
assert json.architectures.uefi == ['aa64'] && json.architectures.biosPath == false
assert json.architectures.kernels*.arch == ['aa64']
assert json.boots['bios-usb'].boots == 'no' && json.boots['uefi-usb'].boots == 'yes'
return true
