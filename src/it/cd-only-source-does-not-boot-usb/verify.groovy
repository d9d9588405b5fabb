// The CD-only source must fail as a USB stick, and for the right reason: SeaBIOS finds nothing to boot.
import groovy.xml.XmlSlurper
import java.nio.file.*
import java.security.MessageDigest

def buildLog = new File(basedir, 'build.log').text
assert buildLog.contains('Boot bios-usb of') && buildLog.contains('FAILED') : 'the boot goal did not report a failed boot'
assert buildLog =~ /Boot failed|No bootable device/ : 'the boot failed for another reason than an unbootable disk'
assert !(buildLog =~ /NIXUSB-FIXTURE-BOOTED root=\/dev/)
def serial = basedir.toPath().resolve('target/nixusb/boot-bios-usb.log').toFile().getText('ISO-8859-1')
assert !serial.contains('NIXUSB-FIXTURE-BOOTED root=')

// the failure is in the JUnit report, with a screenshot, and the message names the report
def junit = new XmlSlurper().parse(basedir.toPath().resolve('target/nixusb-reports/TEST-nixusb-boot.xml').toFile())
assert junit.@failures.toString() == '2'
junit.testcase.each { assert it.failure.@message.toString() =~ /Boot failed|No bootable device/ }
assert buildLog.contains('Boot bios-hdd of') : 'the hard-disk boot did not report a failure'
byte[] png = basedir.toPath().resolve('target/nixusb/boot-bios-usb.png').toFile().bytes
assert png.length > 24 && new String(png, 1, 3, 'US-ASCII') == 'PNG' : 'the failure screenshot is not a PNG'
def dims = java.nio.ByteBuffer.wrap(png, 16, 8)
def w = dims.getInt(), h = dims.getInt()
assert w >= 640 && h >= 400 : "the failure screenshot is ${w}x${h}"
assert buildLog.contains('Screenshot: ') && buildLog.contains('Report: ') && buildLog.contains('index.html')
def html = basedir.toPath().resolve('target/nixusb/index.html').toFile().text
assert html.contains('FAILED') && html.contains('boot-bios-usb.png') && html.contains('Boot failed')

def fixture = Paths.get(fixtureDir)
def md = MessageDigest.getInstance('SHA-256')
md.update(Files.readAllBytes(fixture.resolve('nixos-like.iso')))
assert md.digest().encodeHex().toString() == fixture.resolve('nixos-like.iso.sha256').toFile().text.split(/\s+/)[0]
return true
