// Source resolved from the repository; sha256 file beside the image; isomd5sum passes checkisomd5.
import java.nio.file.*
def buildLog = new File(basedir, 'build.log').text
def repo = Paths.get(localRepositoryPath.toString())
def installedSource = repo.resolve('org/nixos/fixture/nixos-like/14.12/nixos-like-14.12-x86_64.iso')
assert Files.isRegularFile(installedSource)
assert buildLog.contains('Source org.nixos.fixture:nixos-like:14.12:x86_64 resolved to ' + installedSource)
def image = new File(basedir, 'target/source-from-repository-1.0-usb.iso')
def run = { List<String> cmd, File dir ->
    def p = new ProcessBuilder(cmd).directory(dir).redirectErrorStream(true).start()
    def out = p.inputStream.text
    [p.waitFor(), out]
}
def (rc, out) = run(['sha256sum', '-c', image.name + '.sha256'], image.parentFile)
assert rc == 0 && out.contains(': OK') : out
def (mrc, mout) = run(['checkisomd5', '--verbose', image.absolutePath], basedir)
assert mrc == 0 && mout.contains('PASS') : mout
assert buildLog.contains('Implanted the isomd5sum checksum')
def installed = repo.resolve('org/nixusb/it/source-from-repository/1.0')
assert Files.isRegularFile(installed.resolve('source-from-repository-1.0-usb.iso'))
assert Files.isRegularFile(installed.resolve('source-from-repository-1.0-usb.iso.sha256'))
return true
