// mvn -T 2: two modules remaster at once into one directory; both images are whole and identical.
import java.nio.file.*
import java.security.MessageDigest

def buildLog = new File(basedir, 'build.log').text
assert buildLog.contains('Using the MultiThreadedBuilder') || buildLog =~ /with a thread count of 2/ : 'not a parallel build'
assert !buildLog.contains('is not marked @threadSafe') : 'Maven warned that the plugin is not thread-safe'
def images = basedir.toPath().resolve('target/images')
def sha = { Path p ->
    def md = MessageDigest.getInstance('SHA-256')
    p.toFile().withInputStream { s -> byte[] b = new byte[1 << 20]; int n; while ((n = s.read(b)) > 0) md.update(b, 0, n) }
    md.digest().encodeHex().toString()
}
def left = images.resolve('left.iso'), right = images.resolve('right.iso')
assert Files.isRegularFile(left) && Files.isRegularFile(right)
assert Files.size(left) % (1024 * 1024) == 0
def h = sha(left)
assert h == sha(right) : 'the two parallel builds differ'
assert images.resolve('left.iso.sha256').toFile().text.startsWith(h + '  left.iso')
assert images.resolve('right.iso.sha256').toFile().text.startsWith(h + '  right.iso')
def names = images.toFile().list().sort()
assert names == ['left.iso', 'left.iso.sha256', 'right.iso', 'right.iso.sha256'] : "left behind: ${names}"
return true
