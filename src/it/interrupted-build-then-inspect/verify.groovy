// After the killed build, one build left only the image and its .sha256 (nothing hidden, no clone directory); the
// log said what it removed. inspect read the output by default and the source when named either way.
import java.nio.file.*

def target = basedir.toPath().resolve('target')
def buildLog = new File(basedir, 'build.log').text
assert buildLog =~ /Removed what interrupted builds of this output left behind \(\d+ MiB\): \[\.custom-usb\.iso\.\d+\.part/
def names = Files.list(target).withCloseable { s -> s.map { it.fileName.toString() }.sorted().toList() }
def expected = ['big-source.iso', 'custom-usb.iso', 'custom-usb.iso.sha256', 'inspect-default.txt',
                'inspect-image.txt', 'inspect-source.txt', 'killed-build-settings.xml', 'killed-build.log', 'nixusb']
assert names == expected : "target/ holds ${names}"
// the remaster's note of its output, which inspect and lint take by default (not the remaster's configuration)
assert target.resolve('nixusb').toFile().list() as List == ['remaster-output.txt']
assert target.resolve('nixusb/remaster-output.txt').toFile().text.strip() == target.resolve('custom-usb.iso').toString()
def sha = target.resolve('custom-usb.iso.sha256').toFile().text
assert sha.contains('custom-usb.iso')
// the refused report (invocation 5) left the image as the remaster wrote it
def md = java.security.MessageDigest.getInstance('SHA-256')
Files.newInputStream(target.resolve('custom-usb.iso')).withCloseable { input ->
    byte[] b = new byte[1 << 20]
    int n
    while ((n = input.read(b)) > 0) { md.update(b, 0, n) }
}
assert md.digest().encodeHex().toString() == sha.split(/\s+/)[0] : 'the image was changed'
assert buildLog.contains('the inspect report would be written over an image')

def byDefault = target.resolve('inspect-default.txt').toFile().text
assert byDefault.startsWith(target.resolve('custom-usb.iso').toString()) : byDefault.take(300)
assert byDefault =~ /MBR: .*0x[0-9a-f]{8}/ || byDefault.contains('MBR:') && !byDefault.contains('MBR: none') : byDefault
['inspect-image.txt', 'inspect-source.txt'].each { f ->
    def text = target.resolve(f).toFile().text
    assert text.startsWith(target.resolve('big-source.iso').toString()) : "${f}: ${text.take(300)}"
    assert text.contains('MBR: none') : "${f}: the CD-only source has no MBR"
}
// passed: the two 1.5 GiB images go (a failed run keeps them to look at)
Files.delete(target.resolve('big-source.iso'))
Files.delete(target.resolve('custom-usb.iso'))
return true
