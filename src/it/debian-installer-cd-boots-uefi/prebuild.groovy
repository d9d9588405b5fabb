// Debian's installer as a BIOS-only ISOLINUX CD, built from the pinned debian-installer-12-netboot-amd64 package
// by the fixture's make-debian-installer-cd.sh (once; kept beside the fixture).
import java.nio.file.*
def fixture = Paths.get(fixtureDir)
def script = fixture.resolve('../../src/test/fixture/make-debian-installer-cd.sh').normalize()
def out = fixture.resolveSibling('debian-installer')
def p = new ProcessBuilder('bash', script.toString(), out.toString()).redirectErrorStream(true).start()
def text = p.inputStream.text
println text
assert p.waitFor() == 0 : text
assert Files.size(out.resolve('debian-installer-cd.iso')) > 10_000_000
return true
