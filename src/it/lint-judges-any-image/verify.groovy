// lint: nixusb's own isohybrid output has the nested layout's notes (info) and no warning or error (the remaster
// logs them and goes on); Ubuntu's layout (a protective MBR that is not active) gives one warning, as JSON with the bytes read
// and a cure; failOn=warning turns it into a failed build.
import groovy.json.JsonSlurper

def target = new File(basedir, 'target')
def buildLog = new File(basedir, 'build.log').text
assert buildLog =~ /Lint: info [A-Z_]+/ : 'the remaster lints its output'
assert !(buildLog =~ /Lint: [^\n]*warning/) : 'no warning for the default layout'
assert new File(target, 'lint-judges-any-image-1.0-usb.iso').exists()
def own = new File(target, 'own-lint.txt').text
assert own.contains('lint-judges-any-image-1.0-usb.iso') && (own =~ /INFO +PARTITIONS_OVERLAP/)
assert !own.contains('ERROR ') && !own.contains('WARNING ') : own
def json = new JsonSlurper().parse(new File(target, 'grub-hybrid-lint.json'))
assert json.worst == 'warning'
assert json.findings*.id == ['PROTECTIVE_MBR_NOT_ACTIVE']
def f = json.findings[0]
assert f.read.startsWith('sector 0 bytes 446-461: ') && f.cure.contains('--mbr-force-bootable') && f.firmware.contains('BIOS')
assert buildLog =~ /lint found \[PROTECTIVE_MBR_NOT_ACTIVE\] \(failOn=warning\)/
return true
