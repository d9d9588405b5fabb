// Checks the remastered image of the NixOS-like fixture with independent tools.
import groovy.xml.XmlSlurper
import java.nio.file.*
import java.nio.file.attribute.PosixFilePermissions
import java.security.MessageDigest

def fixture = Paths.get(fixtureDir)
def source = fixture.resolve('nixos-like.iso')
def image = basedir.toPath().resolve('target/remaster-and-boot-all-modes-1.0-usb.iso')
def buildLog = new File(basedir, 'build.log').text

def sha256 = { Path p ->
    def md = MessageDigest.getInstance('SHA-256')
    p.toFile().withInputStream { s -> byte[] b = new byte[1 << 20]; int n; while ((n = s.read(b)) > 0) md.update(b, 0, n) }
    md.digest().encodeHex().toString()
}
def run = { List<String> cmd ->
    def p = new ProcessBuilder(cmd).redirectErrorStream(true).start()
    def out = p.inputStream.text
    assert p.waitFor() == 0 : "${cmd.join(' ')} failed:\n${out}"
    out
}

// 1. every mode reached the fixture's marker, with the token read from the image it mounted by label
def token = fixture.resolve('token').toFile().text.trim()
['bios-usb': /\/dev\/sd\S+/, 'bios-hdd': /\/dev\/sd\S+/, 'bios-cdrom': /\/dev\/sr0/, 'uefi-usb': /\/dev\/sd\S+/,
 'uefi-cdrom': /\/dev\/sr0/].each { mode, dev ->
    assert buildLog.contains("Boot ${mode} PASSED") : "mode ${mode} did not pass"
    def serial = basedir.toPath().resolve("target/nixusb/boot-${mode}.log").toFile().getText('ISO-8859-1')
    assert serial =~ /NIXUSB-FIXTURE-BOOTED root=${dev} token=${token}/ : "marker or token missing in ${mode}"
    if (mode.startsWith('bios')) {
        assert serial.contains('ISOLINUX') : "ISOLINUX did not start in ${mode}"
    } else {
        assert serial.contains('BdsDxe') : "OVMF did not boot ${mode}"
    }
}
def usbSerial = basedir.toPath().resolve('target/nixusb/boot-bios-usb.log').toFile().getText('ISO-8859-1')
assert usbSerial.contains('EHDD') : 'ISOLINUX did not start from the disk (EHDD)'
assert buildLog.contains('UEFI USB layout: 0xEF MBR slot and both GPT copies over the EFI image, CRCs valid')

// 1b. reports: one JUnit test case per mode, a PNG screenshot of the expected size per mode, an HTML page
def junit = new XmlSlurper().parse(basedir.toPath().resolve('target/nixusb-reports/TEST-nixusb-boot.xml').toFile())
assert junit.@tests.toString() == '5' && junit.@failures.toString() == '0'
assert junit.testcase.collect { it.@name.toString() } as Set == ['bios-usb', 'bios-hdd', 'bios-cdrom', 'uefi-usb', 'uefi-cdrom'] as Set
assert junit.testcase.every { it.'system-out'.text().contains('NIXUSB-FIXTURE-BOOTED') }
def png = { String name ->
    def f = basedir.toPath().resolve("target/nixusb/${name}").toFile()
    assert f.isFile() : "no screenshot ${name}"
    byte[] b = f.bytes
    assert b[0..7] == [(byte) 0x89, (byte) 0x50, (byte) 0x4E, (byte) 0x47, (byte) 0x0D, (byte) 0x0A, (byte) 0x1A, (byte) 0x0A] : "${name} is not a PNG"
    def w = java.nio.ByteBuffer.wrap(b, 16, 8)
    [w.getInt(), w.getInt()]
}
['bios-usb', 'bios-hdd', 'bios-cdrom', 'uefi-usb', 'uefi-cdrom'].each { mode ->
    def (w, h) = png("boot-${mode}.png")
    assert w >= 640 && h >= 400 : "boot-${mode}.png is ${w}x${h}"
}
assert png('boot-bios-usb-menu.png') == [720, 400] : 'the ISOLINUX menu screenshot is not a 720x400 text screen'
def html = basedir.toPath().resolve('target/nixusb/index.html').toFile().text
assert html.contains('boot-uefi-cdrom.png') && html.contains('PASSED') && !html.contains('FAILED')

// 2. the source ISO is unchanged
def recorded = fixture.resolve('nixos-like.iso.sha256').toFile().text.split(/\s+/)[0]
assert sha256(source) == recorded : 'the source ISO was modified'

// 3. the artifact is attached and installed
def installed = Paths.get(localRepositoryPath.toString(),
        'org/nixusb/it/remaster-and-boot-all-modes/1.0/remaster-and-boot-all-modes-1.0-usb.iso')
assert Files.isRegularFile(installed) : "not installed: ${installed}"
assert sha256(installed) == sha256(image)

// 4. isohybrid --uefi layout: MBR signature, partition 1 active type 0x00, slot 2 0xEF, GPT, whole MiB
byte[] mbr = new byte[1024]
image.toFile().withInputStream { it.read(mbr) }
assert (mbr[510] & 0xff) == 0x55 && (mbr[511] & 0xff) == 0xaa
assert (mbr[446] & 0xff) == 0x80 && (mbr[450] & 0xff) == 0x00 && (mbr[466] & 0xff) == 0xef
assert new String(mbr, 512, 8, 'US-ASCII') == 'EFI PART'
assert Files.size(image) % (1024 * 1024) == 0
def report = run(['xorriso', '-indev', image.toString(), '-report_el_torito', 'plain', '-report_system_area', 'plain'])
assert report.contains('/isolinux/isolinux.bin') && report.contains('boot-info-table') && report.contains('isohybrid-suitable')
assert report.contains('/boot/efi.img') && report.contains('GPT')
assert report.contains("Volume id    : 'NIXOS_ISO'")

// 5. every source file and directory reads back from the output with the same name, content, mode, link target,
// mtime
def work = basedir.toPath().resolve('target/readback')
work.toFile().deleteDir()
def srcTree = work.resolve('source'), outTree = work.resolve('output')
run(['xorriso', '-osirrox', 'on', '-indev', source.toString(), '-extract', '/', srcTree.toString()])
run(['xorriso', '-osirrox', 'on', '-indev', image.toString(), '-extract', '/', outTree.toString()])
int checked = 0
Files.walk(srcTree).each { Path s ->
    def rel = srcTree.relativize(s)
    def o = outTree.resolve(rel)
    assert Files.exists(o, LinkOption.NOFOLLOW_LINKS) : "missing in the output: /${rel}"
    if (Files.isSymbolicLink(s)) {
        assert Files.isSymbolicLink(o) && Files.readSymbolicLink(o) == Files.readSymbolicLink(s) : "symlink /${rel}"
    } else {
        assert Files.isDirectory(s) == Files.isDirectory(o) : "type of /${rel}"
        if (rel.toString().startsWith('loader/entries/') && rel.toString().endsWith('.conf')) {
            // the tree's systemd-boot entries (what a FAT32 copy boots) get kernelArgs as an options line
            assert o.toFile().text.startsWith(s.toFile().text) && o.toFile().text.contains('console=ttyS0') : "/${rel}"
        } else if (!Files.isDirectory(s)) {
            assert Files.mismatch(s, o) == -1L : "content of /${rel}"
        }
        assert PosixFilePermissions.toString(Files.getPosixFilePermissions(s)) ==
                PosixFilePermissions.toString(Files.getPosixFilePermissions(o)) : "mode of /${rel}"
        // directories too: their records are what the remaster rewrites
        // (the rewritten entries are new files, of the build's time)
        assert Files.getLastModifiedTime(s) == Files.getLastModifiedTime(o) || rel.toString().startsWith('loader/entries/') \
                : "mtime of /${rel}"
    }
    checked++
}
assert checked > 15
// it also boots as an ISO file on a multi-boot stick: loopback.cfg from the systemd-boot menu, with NixOS's findiso=
// and kernelArgs, no serial terminal of its own; GRUB's own checker accepts it
def loopbackCfg = outTree.resolve('boot/grub/loopback.cfg')
def loopback = loopbackCfg.toFile().text
assert loopback.contains('"findiso=${iso_path}"') && loopback.contains('console=ttyS0') && !loopback.contains('serial') \
        && !loopback.contains('search') : loopback
run(['grub-script-check', loopbackCfg.toString()])
assert buildLog =~ /loopback\.cfg: \/boot\/grub\/loopback\.cfg written from nixos-like\.iso!.*NixOS stage 1/
// isoinfo, a third reader, lists every Rock Ridge path of the source in the output too
def listing = { Path iso -> run(['isoinfo', '-R', '-f', '-i', iso.toString()]).readLines().findAll { it } as Set }
def srcPaths = listing(source), outPaths = listing(image)
assert outPaths.containsAll(srcPaths) : "isoinfo misses ${srcPaths - outPaths}"
assert outPaths.contains('/isolinux/isolinux.bin') && outPaths.contains('/isolinux/syslinux.cfg')
println "verified ${checked} source entries, ${outPaths.size()} output paths"
return true
