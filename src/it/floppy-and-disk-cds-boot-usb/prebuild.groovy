// Three CDs as BIOS update, DOS and other non-Linux CDs are made (genisoimage -b without -no-emul-boot): one boots a 1.44 MB floppy
// image that the tree hides (-hide, as vendors' CDs often have it), one a 2 MiB hard disk image (-hard-disk-boot),
// one a no-emulation loader of its own.
// Each image's boot sector is 16-bit code, written here byte by byte, that prints a marker with a token made for
// this run on the first serial port and halts: only a machine that booted that image prints it.
import java.nio.file.*
import java.security.MessageDigest

def dir = basedir.toPath().resolve('sources')
dir.toFile().deleteDir()
Files.createDirectories(dir)

byte[] sector(String text) {
    // cli; xor ax,ax; mov ds,ax; mov si,0x7c16; mov dx,0x3f8; next: lodsb; test al,al; jz done; out dx,al;
    // jmp next; done: hlt; jmp done -- then the text at offset 22 (0x7c16 once loaded at 0x7c00)
    def code = [0xFA, 0x31, 0xC0, 0x8E, 0xD8, 0xBE, 0x16, 0x7C, 0xBA, 0xF8, 0x03, 0xAC, 0x84, 0xC0, 0x74, 0x03,
                0xEE, 0xEB, 0xF8, 0xF4, 0xEB, 0xFD]
    byte[] s = new byte[512]
    code.eachWithIndex { b, i -> s[i] = (byte) b }
    byte[] msg = (text + '\r\n').getBytes('US-ASCII')
    System.arraycopy(msg, 0, s, 22, msg.length)
    s[510] = (byte) 0x55
    s[511] = (byte) 0xAA
    return s
}

def random = new Random()
def token = { (1..16).collect { Integer.toHexString(random.nextInt(256) | 0x100).substring(1) }.join() }
def sha256 = { Path p ->
    def md = MessageDigest.getInstance('SHA-256')
    md.update(Files.readAllBytes(p))
    md.digest().encodeHex().toString()
}

def make = { String name, byte[] image, List<String> extra ->
    def tree = dir.resolve("tree-${name}")
    Files.createDirectories(tree.resolve('boot'))
    Files.write(tree.resolve('boot/disk.img'), image)
    Files.write(tree.resolve('README.TXT'), 'Flash the firmware from the booted disk.\r\n'.bytes)
    def iso = dir.resolve("${name}.iso")
    def cmd = ['genisoimage', '-quiet', '-o', iso.toString(), '-V', 'FWUPDATE', '-J', '-r', '-b', 'boot/disk.img',
               '-c', 'boot/boot.cat'] + extra + [tree.toString()]
    def p = new ProcessBuilder(cmd).redirectErrorStream(true).start()
    def out = p.inputStream.text
    assert p.waitFor() == 0 : "genisoimage failed: ${out}"
    Files.writeString(dir.resolve("${name}.iso.sha256"), sha256(iso) + '\n')
}

def floppyToken = token()
byte[] floppy = new byte[1474560]
System.arraycopy(sector("NIXUSB-FLOPPY-BOOTED token=${floppyToken}"), 0, floppy, 0, 512)
make('floppy', floppy, ['-hide', 'disk.img', '-hide-joliet', 'disk.img'])
Files.writeString(dir.resolve('floppy.token'), floppyToken)

def diskToken = token()
int sectors = 4096
byte[] disk = new byte[sectors * 512]
System.arraycopy(sector("NIXUSB-DISK-BOOTED token=${diskToken}"), 0, disk, 0, 512)
// one active partition (type 0x06) from sector 1 to the end, as El Torito hard disk emulation wants
disk[446] = (byte) 0x80
disk[446 + 4] = (byte) 0x06
[1, sectors - 1].eachWithIndex { v, k -> (0..3).each { i -> disk[446 + 8 + 4 * k + i] = (byte) ((v >> (8 * i)) & 0xFF) } }
make('disk', disk, ['-hard-disk-boot'])
Files.writeString(dir.resolve('disk.token'), diskToken)

// a CD with a no-emulation BIOS loader of its own (no menu, no EFI image): the stick boots a copy of it from memory
def ownToken = token()
byte[] own = new byte[2048]
System.arraycopy(sector("NIXUSB-OWN-LOADER-BOOTED token=${ownToken}"), 0, own, 0, 512)
make('own', own, ['-no-emul-boot', '-boot-load-size', '4'])
Files.writeString(dir.resolve('own.token'), ownToken)
return true
