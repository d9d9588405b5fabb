// The revocation list for the dbx run: the Authenticode SHA-256 of the fixture's signed GRUB for CDs, as osslsigncode
// calculates it, written as an EFI signature list by hand (type EFI_CERT_SHA256, list size 76, no header, entry
// size 48, then the owner GUID and the hash).
import java.nio.ByteBuffer
import java.nio.ByteOrder
def target = new File(basedir, 'target')
target.mkdirs()
def run = { List<String> cmd ->
    def p = new ProcessBuilder(cmd).redirectErrorStream(true).start()
    def out = p.inputStream.text
    p.waitFor()
    return out
}
def efiImg = new File(target, 'secure-efi.img')
run(['xorriso', '-osirrox', 'on', '-indev', "${fixtureDir}/nixos-like-secure.iso".toString(), '-extract', '/boot/efi.img',
     efiImg.path])
def grub = new File(target, 'secure-grubx64.efi')
grub.delete()
run(['mcopy', '-i', efiImg.path, '::/EFI/BOOT/grubx64.efi', grub.path])
def digest = (run(['osslsigncode', 'verify', '-in', grub.path]) =~ /Calculated message digest\s*:\s*([0-9A-Fa-f]{64})/)
assert digest.find() : 'osslsigncode calculated no digest for the fixture GRUB'
def hash = digest.group(1).decodeHex()
def b = ByteBuffer.allocate(76).order(ByteOrder.LITTLE_ENDIAN)
// EFI_CERT_SHA256_GUID c1c41626-504c-4092-aca9-41f936934328, mixed-endian
b.putInt(0xc1c41626 as int).putShort(0x504c as short).putShort(0x4092 as short)
b.put([0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28] as byte[])
b.putInt(76).putInt(0).putInt(48)
b.put(new byte[16]).put(hash)
new File(target, 'grub-dbx.esl').bytes = b.array()
new File(target, 'grub-dbx.sha256').text = digest.group(1).toLowerCase()
return true
