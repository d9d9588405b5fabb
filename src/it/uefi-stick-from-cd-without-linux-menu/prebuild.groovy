// A CD as BSD and other non-Linux media are made: its El Torito BIOS entry is a boot sector of its own (16-bit code,
// written here byte by byte, that prints a marker on COM1), its EFI entry a FAT image whose BOOTX64.EFI is a GRUB
// made by grub-mkstandalone that prints another marker; no menu nixusb reads (GRUB's config is inside the PE file).
// Both markers carry a token made for this run.
import java.nio.file.*

def dir = basedir.toPath().resolve('sources')
dir.toFile().deleteDir()
def tree = Files.createDirectories(dir.resolve('tree/boot'))
def token = (1..16).collect { Integer.toHexString(new Random().nextInt(256) | 0x100).substring(1) }.join()
Files.writeString(dir.resolve('token'), token)

def run = { List<String> cmd ->
    def pb = new ProcessBuilder(cmd).redirectErrorStream(true)
    pb.environment().put('MTOOLS_SKIP_CHECK', '1')
    def p = pb.start()
    def out = p.inputStream.text
    assert p.waitFor() == 0 : "${cmd.join(' ')} failed: ${out}"
}

def cfg = dir.resolve('grub.cfg')
Files.writeString(cfg, """serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
echo "NIXUSB-EFI-LOADER-BOOTED token=${token}"
sleep 600
""")
def loader = dir.resolve('BOOTX64.EFI')
run(['grub-mkstandalone', '-O', 'x86_64-efi', '--install-modules=normal serial echo sleep terminal', '--locales=',
     '--fonts=', '--themes=', '-o', loader.toString(), "boot/grub/grub.cfg=${cfg}".toString()])
def efi = tree.resolve('efi.img')
run(['mkfs.vfat', '-C', efi.toString(), '2048'])
run(['mmd', '-i', efi.toString(), '::/EFI', '::/EFI/BOOT'])
run(['mcopy', '-i', efi.toString(), loader.toString(), '::/EFI/BOOT/BOOTX64.EFI'])

// cli; xor ax,ax; mov ds,ax; mov si,0x7c16; mov dx,0x3f8; next: lodsb; test al,al; jz done; out dx,al; jmp next;
// done: hlt; jmp done -- the text at offset 22 (0x7c16: El Torito loads a no-emulation image at 07C0:0000)
def code = [0xFA, 0x31, 0xC0, 0x8E, 0xD8, 0xBE, 0x16, 0x7C, 0xBA, 0xF8, 0x03, 0xAC, 0x84, 0xC0, 0x74, 0x03, 0xEE, 0xEB,
            0xF8, 0xF4, 0xEB, 0xFD]
byte[] sector = new byte[2048]
code.eachWithIndex { b, i -> sector[i] = (byte) b }
byte[] msg = "NIXUSB-BIOS-LOADER-BOOTED token=${token}\r\n".getBytes('US-ASCII')
System.arraycopy(msg, 0, sector, 22, msg.length)
sector[510] = (byte) 0x55
sector[511] = (byte) 0xAA
Files.write(tree.resolve('bios.img'), sector)

run(['xorriso', '-as', 'mkisofs', '-quiet', '-R', '-J', '-V', 'BSDLIKE', '-o', dir.resolve('cd.iso').toString(), '-c',
     'boot/boot.cat', '-b', 'boot/bios.img', '-no-emul-boot', '-boot-load-size', '4', '-eltorito-alt-boot', '-e',
     'boot/efi.img', '-no-emul-boot', dir.resolve('tree').toString()])
return true
