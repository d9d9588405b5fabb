// A second build of the same project, in another directory and a little later, offline against the same
// repository (-llr: the IT repository's artifacts count whatever remote they came from), must give the same
// bytes for every EFI mode. The images are hashed here, independently of the plugin's .sha256 files.
import java.nio.file.*
import java.security.MessageDigest

def sha(File f) {
    def md = MessageDigest.getInstance('SHA-256')
    f.withInputStream { s -> byte[] b = new byte[1 << 20]; int n; while ((n = s.read(b)) > 0) { md.update(b, 0, n) } }
    return md.digest().encodeHex().toString()
}
def modes = ['create', 'keep', 'none']
def second = new File(basedir, 'target/second-build')
second.deleteDir()
second.mkdirs()
Files.copy(new File(basedir, 'pom.xml').toPath(), new File(second, 'pom.xml').toPath())
def overlay = new File(basedir, 'overlay').toPath()
Files.walk(overlay).each { src ->
    def dst = second.toPath().resolve('overlay').resolve(overlay.relativize(src).toString())
    if (Files.isDirectory(src)) { Files.createDirectories(dst) } else { Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES) }
}
Thread.sleep(2000)
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').absolutePath
def cmd = [mvn, '-B', '-o', '-q', '-llr', "-Dmaven.repo.local=${localRepositoryPath}", "-Dnixusb.fixture.dir=${fixtureDir}", 'package']
def p = new ProcessBuilder(cmd.collect { it.toString() }).directory(second).redirectErrorStream(true).start()
def out = p.inputStream.text
assert p.waitFor() == 0 : "the second build failed:\n${out}"
def hashes = new LinkedHashSet()
modes.each { mode ->
    def a = new File(basedir, "target/image-${mode}-usb.iso")
    def b = new File(second, "target/image-${mode}-usb.iso")
    def h1 = sha(a)
    def h2 = sha(b)
    assert h1 == h2 : "efi=${mode}: the two builds differ: ${h1} vs ${h2}"
    assert new File(a.path + '.sha256').text.split(/\s+/)[0] == h1 : "efi=${mode}: the plugin's .sha256 is wrong"
    hashes << h1
    println "reproducible: efi=${mode} both builds have SHA-256 ${h1}"
}
assert hashes.size() == 3 : 'the three modes must make three different images'
def log = new File(basedir, 'build.log').text
assert log.contains('UEFI: created /boot/efi.img')
assert log.contains('Overlay ') && log.contains('1 files')
return true
