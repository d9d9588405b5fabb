// Four builds of this project with a QEMU wrapper that notes the machines it starts ("-serial mon:stdio" in a
// boot's command line; the KVM probe and "--version" for the cache key are not boots):
//  1. cold: both modes boot and are kept;  2. target/ deleted, verify: both reused, no QEMU started, reports and logs back;
//  3. one byte changed in src/main/image/release.txt: both boot again;  4. -Dnixusb.boot.force=true: both boot.
import java.nio.file.*

def calls = new File(basedir, 'qemu-calls.txt')
calls.delete()
def real = ['/usr/bin/qemu-system-x86_64', '/usr/local/bin/qemu-system-x86_64'].find { new File(it).canExecute() }
assert real : 'qemu-system-x86_64 is not installed'
def wrapper = new File(basedir, 'counting-qemu')
wrapper.text = "#!/bin/sh\necho \"\$*\" >> '${calls}'\nexec ${real} \"\$@\"\n"
wrapper.setExecutable(true)
new File(basedir, 'boot-cache').deleteDir()
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').absolutePath
// the ITs' settings: the plugin from the IT repository, everything else from the outer local repository
def settings = new File(basedir, 'it-settings.xml')
settings.text = new File(itSettings).text.replace('@localRepositoryUrl@', new File(outerRepository).toURI().toString())
// the modes whose machines a build started (a boot that falls back from KVM to software emulation starts two)
def seen = 0
def started = {
    def lines = calls.exists() ? calls.readLines() : []
    def added = lines.drop(seen)
    seen = lines.size()
    added.findAll { it.contains('-serial mon:stdio') }.collect { (it =~ /boot-((?:bios|uefi)-(?:usb|hdd|cdrom))/)[0][1] }.toSet()
}
def builds = 1
def build = { List<String> extra ->
    def cmd = [mvn, '-B', '-s', settings.path, "-Dmaven.repo.local=${localRepositoryPath}", "-Dnixusb.fixture.dir=${fixtureDir}"]
    cmd.addAll(extra)
    def p = new ProcessBuilder(cmd.collect { it.toString() }).directory(basedir).redirectErrorStream(true).start()
    def out = p.inputStream.text
    assert p.waitFor() == 0 : "the build ${extra} failed:\n${out}"
    new File(basedir, "build-${builds++}.log").text = out
    out
}
// "clean" without maven-clean-plugin, which the offline IT repository need not hold
def clean = { new File(basedir, 'target').deleteDir() }
clean()
def t0 = System.nanoTime()
def cold = build(['verify'])
def coldSeconds = (System.nanoTime() - t0) / 1e9
assert started() == ['bios-usb', 'uefi-usb'].toSet() : 'cold: both modes boot'
assert cold =~ /Boot bios-usb PASSED in [0-9.]+ s: .*all 3 script steps passed/
assert !cold.contains('reused the result of')
def entries = []
new File(basedir, 'boot-cache').eachFileRecurse { if (it.name == 'result.properties') { entries << it } }
assert entries.size() == 2 : "two boots kept: ${entries}"
def key = new File(entries[0].parentFile, 'key.txt').text
['image sha256 ', 'mode ', 'qemu QEMU emulator version', 'expect NIXUSB-FIXTURE-BOOTED', 'step 2 RUN [release file]'].each {
    assert key.contains(it) : "the key names ${it}:\n${key}"
}
assert key.contains('firmware ') || new File(entries[1].parentFile, 'key.txt').text.contains('firmware ') : 'uefi-usb keys its firmware'

clean()
t0 = System.nanoTime()
def warm = build(['verify'])
def warmSeconds = (System.nanoTime() - t0) / 1e9
def warmStarted = started()
assert warmStarted.isEmpty() : "warm: no machine started, but ${warmStarted}"
['bios-usb', 'uefi-usb'].each { mode ->
    assert warm =~ /${mode}: reused the result of \S+ for boot-cache-reuses-proven-boots-1.0-usb.iso/ : mode
    assert warm =~ /Boot ${mode} PASSED \(reused the result of / : mode
    assert new File(basedir, "target/nixusb/boot-${mode}.log").getText('ISO-8859-1').contains('NIXUSB-FIXTURE-BOOTED') : mode
}
def junit = new File(basedir, 'target/nixusb-reports/TEST-nixusb-boot.xml').text
assert junit =~ /tests="8"/ && junit =~ /failures="0"/ : 'the reused steps are test cases again'
println String.format('boot cache: cold build %.1f s, warm build %.1f s', coldSeconds, warmSeconds)

def release = new File(basedir, 'src/main/image/release.txt')
release.text = 'release 2\n'
def changed = build(['verify'])
assert started() == ['bios-usb', 'uefi-usb'].toSet() : 'a changed byte boots again'
assert !changed.contains('reused the result of')

def forced = build(['verify', '-Dnixusb.boot.force=true'])
assert started() == ['bios-usb', 'uefi-usb'].toSet() : 'force boots again'
assert !forced.contains('reused the result of')
return true
