// A second build of the same project, in another directory and a little later, offline against the same
// repository (-llr: the IT repository's artifacts count whatever remote they came from), must give the same bytes.
import java.nio.file.*

def first = new File(basedir, 'target/image-usb.iso.sha256')
assert first.isFile()
def second = new File(basedir, 'target/second-build')
second.deleteDir()
second.mkdirs()
Files.copy(new File(basedir, 'pom.xml').toPath(), new File(second, 'pom.xml').toPath())
Thread.sleep(2000)
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').absolutePath
def cmd = [mvn, '-B', '-o', '-q', '-llr', "-Dmaven.repo.local=${localRepositoryPath}", "-Dnixusb.fixture.dir=${fixtureDir}", 'package']
def p = new ProcessBuilder(cmd.collect { it.toString() }).directory(second).redirectErrorStream(true).start()
def out = p.inputStream.text
assert p.waitFor() == 0 : "the second build failed:\n${out}"
def h1 = first.text.split(/\s+/)[0]
def h2 = new File(second, 'target/image-usb.iso.sha256').text.split(/\s+/)[0]
assert h1 == h2 : "the two builds differ: ${h1} vs ${h2}"
assert new File(basedir, 'build.log').text.contains('UEFI: created /boot/efi.img')
println "reproducible: both builds have SHA-256 ${h1}"
return true
