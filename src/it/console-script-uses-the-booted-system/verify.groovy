// The smoke script passes step by step, each step a test case with its console text; each control fails at its
// step, naming the step, what it expected and what it saw, and the steps after it are reported as not run.
def target = new File(basedir, 'target')
def buildLog = new File(basedir, 'build.log').text
def smoke = new File(target, 'nixusb-smoke-reports/TEST-nixusb-boot.xml').text
assert smoke =~ /tests="9"/ && smoke =~ /failures="0"/ && smoke =~ /skipped="0"/ : smoke
['bios-usb / machine', 'bios-usb / root medium is the stick', 'bios-usb / release file from src/main/image',
 'bios-usb / no such file'].each { assert smoke.contains("name=\"${it}\"") : it }
assert smoke.contains('release 1.0 made by a console-script IT') : 'the step transcript is the test case output'
assert buildLog =~ /step 'root medium is the stick' passed in [0-9.]+ s: `awk .*` exited with 0 and printed "\/dev\/sda1? iso9660"/
assert buildLog =~ /step 'poweroff poweroff -f' passed in [0-9.]+ s: the machine stopped/
assert buildLog =~ /Boot bios-usb PASSED in [0-9.]+ s: the console printed "NIXUSB-FIXTURE-BOOTED [^"]*"; all 8 script steps passed/
assert new File(target, 'nixusb-smoke/index.html').text.contains('console script')
def controls = [exit: ["exits 1", "`grep -q never-there /proc/cmdline` exited with 1 (expected 0)"],
                output: ["wrong machine", "the output of `uname -m` does not match /^aarch64\$/; it printed \"x86_64\""],
                timeout: ["too slow", "timed out after 5 s waiting for the end of `sleep 60`"],
                'no-poweroff': ["stays on", "the machine did not stop within 10 s after \"true\""]]
controls.each { name, want ->
    def junit = new File(target, "nixusb-${name}-reports/TEST-nixusb-boot.xml").text
    assert junit =~ /failures="1"/ : name
    assert junit.contains("name=\"bios-usb / ${want[0]}\"") : name
    assert buildLog.contains("script step '${want[0]}' (line 2) failed: ${want[1]}") : "${name}: ${want[1]}"
}
assert new File(target, 'nixusb-output-reports/TEST-nixusb-boot.xml').text =~ /skipped="1"/ : 'the step after a failure is not run'
return true
