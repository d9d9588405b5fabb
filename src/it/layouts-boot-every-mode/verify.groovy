// layout=gpt: a protective MBR and a GPT of three partitions (ISO data, ESP, ISO data) that sgdisk finds no problem
// with beyond the active flag, and lint none at all; the guest kernel sees three partitions and the initrd finds its
// root on the whole disk (the ISO data partition starts after the GPT, not at 0). layout=mbr: no GPT, the guest
// kernel sees two partitions and mounts the first. Each boots in all five modes, from the CD-only fixture and from
// the BIOS-only ISOLINUX CD (its own ISOLINUX for BIOS, the GRUB made from its menu for UEFI).
def target = new File(basedir, 'target')
def buildLog = new File(basedir, 'build.log').text
def token = new File(fixtureDir, 'token').text.trim()
def run = { List<String> cmd ->
    def p = new ProcessBuilder(cmd).redirectErrorStream(true).start()
    def t = p.inputStream.text
    p.waitFor()
    t
}
assert buildLog.contains('GPT layout: protective MBR (0xEE, active) with isohybrid\'s boot code for isolinux.bin')
assert buildLog.contains('MBR layout: isohybrid\'s boot code for isolinux.bin')
def sg = run(['sgdisk', '-v', new File(target, 'gpt.iso').path])
// sgdisk says "No problems found" of a GPT it made up in memory too: the banners that say so must be absent
def noGptBanner = { text -> text.contains('Creating new GPT entries') || text.contains('Found invalid GPT') }
assert sg.contains('No problems found') && !sg.contains('Problem:') && !noGptBanner(sg) : sg
assert run(['sgdisk', '-p', new File(target, 'gpt.iso').path]) =~ /(?s)EF00\s+EFI System/
assert run(['fdisk', '-l', new File(target, 'mbr.iso').path]).contains('Disklabel type: dos')
// each gpt output, linted on its own by the cli jar (not the build's log): no findings, exit status 0
def java = new File(System.getProperty('java.home'), 'bin/java').path
['gpt.iso', 'isolinux-gpt.iso'].each { name ->
    def p = new ProcessBuilder([java, '-jar', cliJar, '--lint', new File(target, name).path]).redirectErrorStream(true).start()
    def said = p.inputStream.text
    assert p.waitFor() == 0 && said.contains(': no findings') : "${name} lints clean: ${said}"
}
[gpt: ['/dev/sda', 'sda: sda1 sda2 sda3'], mbr: ['/dev/sda1', 'sda: sda1 sda2'],
 'isolinux-gpt': ['/dev/sda', 'sda: sda1 sda2 sda3'], 'isolinux-mbr': ['/dev/sda1', 'sda: sda1 sda2']].each { layout, expected ->
    ['bios-usb', 'bios-hdd', 'uefi-usb', 'bios-cdrom', 'uefi-cdrom'].each { mode ->
        def serial = new File(target, "nixusb-${layout}/boot-${mode}.log").getText('ISO-8859-1')
        def root = mode.endsWith('cdrom') ? '/dev/sr0' : expected[0]
        assert serial.contains("NIXUSB-FIXTURE-BOOTED root=${root} token=${token}") : "${layout} ${mode}"
        if (!mode.endsWith('cdrom')) {
            assert serial.contains(expected[1]) : "${layout} ${mode}: the guest kernel reads the table"
        }
    }
    def junit = new File(target, "nixusb-${layout}-reports/TEST-nixusb-boot.xml").text
    assert junit =~ /tests="5"/ && junit =~ /failures="0"/
}
// layout=appended: a GPT and a hybrid MBR of two partitions (ISO data from sector 64 with its own session, the ESP
// appended) that sgdisk finds no problem with; the guest mounts partition 1 as ISO 9660 and finds the token there.
// With gpt, whose partition 1 also starts at sector 64 but holds no session, it cannot (the marker's control).
assert buildLog.contains('Appended layout: partition 1\'s ISO 9660 session')
['appended', 'isolinux-appended'].each { layout ->
    def image = new File(target, "${layout}.iso").path
    def sgv = run(['sgdisk', '-v', image])
    assert sgv.contains('No problems found') && !sgv.contains('Problem:') && !sgv.contains('Caution') && !noGptBanner(sgv) : sgv
    assert run(['sgdisk', '-p', image]) =~ /(?s)\n +1 +64 +\d+ .* 0700 +ISO9660\n +2 +\d+ +\d+ .* EF00 +EFI System/
    ['bios-usb', 'bios-hdd', 'uefi-usb', 'bios-cdrom', 'uefi-cdrom'].each { mode ->
        def serial = new File(target, "nixusb-${layout}/boot-${mode}.log").getText('ISO-8859-1')
        def root = mode.endsWith('cdrom') ? '/dev/sr0' : '/dev/sda1?'
        assert serial =~ /NIXUSB-FIXTURE-BOOTED root=${root} token=${token}/ : "${layout} ${mode}"
        if (!mode.endsWith('cdrom')) {
            assert serial.contains('sda: sda1 sda2') : "${layout} ${mode}: the guest kernel reads the table"
            assert serial.contains("partition /dev/sda1 is ISO 9660 with token=${token}") : "${layout} ${mode}"
        }
    }
    def junit = new File(target, "nixusb-${layout}-reports/TEST-nixusb-boot.xml").text
    assert junit =~ /tests="5"/ && junit =~ /failures="0"/
}
['gpt', 'isolinux-gpt'].each { layout ->
    ['bios-usb', 'uefi-usb'].each { mode ->
        def serial = new File(target, "nixusb-${layout}/boot-${mode}.log").getText('ISO-8859-1')
        assert !serial.contains('partition /dev/sda1 is ISO 9660') : "${layout} ${mode}: no session in partition 1"
    }
}
['gpt', 'mbr', 'appended'].each { layout ->
    assert new File(target, "nixusb-isolinux-${layout}/boot-bios-usb.log").getText('ISO-8859-1').contains('ISOLINUX')
    assert new File(target, "nixusb-isolinux-${layout}/boot-uefi-usb.log").getText('ISO-8859-1').contains('GRUB')
}
// control: the same layout without an ESP boots nothing as a UEFI stick
def noEsp = new File(target, 'nixusb-gpt-no-esp/boot-uefi-usb.log').getText('ISO-8859-1')
assert !noEsp.contains('NIXUSB-FIXTURE-BOOTED') && buildLog =~ /Boot uefi-usb of \S+gpt-no-esp\.iso FAILED/
return true
