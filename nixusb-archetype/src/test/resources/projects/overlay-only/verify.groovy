// package only: the image holds the overlay file with its content and mode, and the .sha256 beside it.
import java.nio.file.*
import java.nio.file.attribute.PosixFilePermissions

def project = basedir.toPath().resolve('project/overlay-only')
def image = project.resolve('target/overlay-only-1.0-usb.iso')
assert Files.isRegularFile(image)
// packaging nixusb-image: package remastered without declared executions, the image is the module's artifact
assert project.resolve('pom.xml').toFile().text.contains('<packaging>nixusb-image</packaging>')
assert Files.isRegularFile(project.resolve('target/overlay-only-1.0-usb.iso.sha256'))
def p = new ProcessBuilder(['xorriso', '-indev', image.toString(), '-find', '/etc/nixusb', '-exec', 'lsdl'])
        .redirectErrorStream(true).start()
def listing = p.inputStream.text
assert p.waitFor() == 0
def mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(project.resolve('src/main/image/etc/nixusb/motd')))
assert listing =~ /-${java.util.regex.Pattern.quote(mode)}\s+1\s+0\s+0\s+\d+ .*'\/etc\/nixusb\/motd'/ : listing
return true
