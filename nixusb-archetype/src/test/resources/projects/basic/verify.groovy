// The generated project remastered the fixture, added the overlay and booted it to the marker.
import java.nio.file.*
import java.nio.file.attribute.PosixFilePermissions

def project = basedir.toPath().resolve('project/generated-image')
def image = project.resolve('target/generated-image-1.0-usb.iso')
assert Files.isRegularFile(image) : "no image at ${image}"
// the token the fixture's initrd read from the image it mounted: the one the fixture script wrote next to the source
def source = (project.resolve('pom.xml').toFile().text =~ /<nixusb.source>([^<]+)<\/nixusb.source>/)[0][1]
def token = Paths.get(source).resolveSibling('token').toFile().text.trim()
assert token ==~ /[0-9a-f]{32}/
['bios-usb', 'uefi-usb'].each { mode ->
    def log = project.resolve("target/nixusb/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert log =~ /NIXUSB-FIXTURE-BOOTED root=\S+ token=${token}/ : "no marker with the fixture's token in ${mode}"
}
// the console script: logged in (the fixture's shell), the stick is the root medium, the overlay file is there, off
def junit = project.resolve('target/nixusb-reports/TEST-nixusb-boot.xml').toFile().text
assert junit =~ /tests="12"/ && junit =~ /failures="0"/ && junit =~ /skipped="0"/ : junit
['bios-usb', 'uefi-usb'].each { mode ->
    ['log in', 'shell prompt', 'root medium is the stick', 'file from src/main/image', 'power off'].each {
        assert junit.contains("name=\"${mode} / ${it}\"") : "${mode} / ${it}"
    }
}
assert junit.contains('built by generated-image 1.0') : 'the motd step printed the overlay file'
def out = project.resolve('target/overlay-check')
out.toFile().deleteDir()
def p = new ProcessBuilder(['xorriso', '-osirrox', 'on', '-indev', image.toString(), '-extract', '/etc/nixusb/motd',
        out.resolve('motd').toString()]).redirectErrorStream(true).start()
p.inputStream.text
assert p.waitFor() == 0
def overlay = project.resolve('src/main/image/etc/nixusb/motd')
assert Files.readAllBytes(out.resolve('motd')) == Files.readAllBytes(overlay)
assert out.resolve('motd').toFile().text.contains('built by generated-image 1.0')
assert PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve('motd'))) ==
        PosixFilePermissions.toString(Files.getPosixFilePermissions(overlay))
return true
