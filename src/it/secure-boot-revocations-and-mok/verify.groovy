// The MOK-signed GRUB with grub.proxmox,1: boots with its key enrolled and the level its own shim writes; refused by
// shim with the latest level (fast, and said before the boot: the level written and the refusal); refused without
// the key (no revocation said then: it is the signature). The remaster warns once with the cure; lint reports the
// revocation on that image (a warning: its own shim does not revoke it) and nothing SBAT on today's Debian chain.
import groovy.json.JsonSlurper

def target = new File(basedir, 'target')
def buildLog = new File(basedir, 'build.log').text
def serial = { String run -> new File(target, "nixusb-${run}/boot-uefi-usb-secure.log").getText('ISO-8859-1') }
def tail = { String text -> text.replaceAll(/\e\[[0-9;?]*[A-Za-z]/, ' ').replaceAll(/[^\x20-\x7e\n]+/, ' ').takeRight(1500) }

def vars = buildLog.readLines().findAll { it.contains('uefi-usb-secure: firmware variables ') }
assert vars.size() == 3 : vars
assert vars[0].contains("SbatLevel: none (the image's shim writes its own") && vars[0].contains('MokList: CN=nixusb test machine owner key from mok.der')
assert vars[1].contains('SbatLevel 2025051000 (shim,4 grub,5 grub.proxmox,2), latest') && vars[1].contains('MokList: CN=nixusb test machine owner key')
assert vars[2].contains('as it is (sbatLevel=shim') && !vars[2].contains('MokList') : 'the run without a key writes nothing'

def shim = serial('shim')
assert shim.contains('secureboot=1') : "shim level: ${tail(shim)}"
assert buildLog =~ /Boot uefi-usb-secure PASSED/

def warnings = buildLog.readLines().findAll { it.contains("revoked by what this boot's firmware holds") }
assert warnings.size() == 2 : "said before the latest and the dbx boots only: ${warnings}"
assert warnings[0].contains('EFI/BOOT/grubx64.efi') && warnings[0].contains('grub.proxmox,1 < grub.proxmox,2 in SbatLevel 2025051000')
def latest = serial('latest')
assert latest.contains('Verification failed: (0x1A) Security Violation') && !latest.contains('NIXUSB-FIXTURE-BOOTED') : "latest: ${tail(latest)}"
def nokey = serial('nokey')
assert nokey.contains('Verification failed: (0x1A) Security Violation') && !nokey.contains('NIXUSB-FIXTURE-BOOTED') : "no key: ${tail(nokey)}"
def grubHash = new File(target, 'grub-dbx.sha256').text.strip()
assert warnings[1].contains("its SHA-256 ${grubHash} in dbx") : warnings[1]
def dbxVars = buildLog.readLines().find { it.contains('uefi-cdrom-secure: firmware variables ') }
assert dbxVars.contains('SbatLevel 2025051000') && dbxVars =~ /dbx: OVMF_VARS[^ ]*'s and [^ ]*grub-dbx.esl's \(2 SHA-256 hashes/ : dbxVars
def dbx = new File(target, 'nixusb-dbx/boot-uefi-cdrom-secure.log').getText('ISO-8859-1')
assert dbx.contains('Verification failed: (0x1A) Security Violation') && !dbx.contains('NIXUSB-FIXTURE-BOOTED') : "dbx: ${tail(dbx)}"
def seconds = (buildLog =~ /Boot uefi-(?:usb|cdrom)-secure FAILED after ([\d.]+) s/).collect { it[1] as double }
assert seconds.size() == 3 && seconds.every { it < 120 } : "the refusals end the boot, not its timeout: ${seconds}"

def remasterWarning = buildLog.readLines().findAll { it.startsWith('[WARNING] Lint SBAT_REVOKED: ') }
assert remasterWarning.size() == 1 && remasterWarning[0].contains('grub.proxmox,1 < grub.proxmox,2') &&
        remasterWarning[0].contains('Cure: Take a newer shim and GRUB') : remasterWarning

def mok = new JsonSlurper().parse(new File(target, 'mok-lint.json'))
def revoked = mok.findings.findAll { it.id == 'SBAT_REVOKED' }
assert revoked.size() == 1 : mok.findings*.id
assert revoked[0].problem.contains('grub.proxmox,1 < grub.proxmox,2') && revoked[0].problem.contains('2025051000') : revoked[0]
assert !mok.findings.any { it.id == 'SBAT_REVOKED_BY_OWN_SHIM' }
def today = new JsonSlurper().parse(new File(target, 'today-lint.json'))
assert !today.findings.any { it.id.startsWith('SBAT_') } : today.findings*.id
return true
