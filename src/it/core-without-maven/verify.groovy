// java -jar on the cli jar, with no Maven anywhere on its class path, remasters the fixture; its image and its
// .sha256 are the plugin's, byte for byte; xorriso reads the image's ISOLINUX boot entry; --lint's exit status.
import java.nio.file.*

def target = basedir.toPath().resolve('target')
def fixture = Paths.get(fixtureDir)
def java = Paths.get(System.getProperty('java.home'), 'bin', 'java').toString()
def run = { List<String> cmd ->
    def pb = new ProcessBuilder(cmd).redirectErrorStream(true)
    pb.environment().put('SOURCE_DATE_EPOCH', '1704067200')
    pb.environment().remove('CLASSPATH')
    def p = pb.start()
    def out = p.inputStream.text
    [p.waitFor(), out]
}
def (code, out) = run([java, '-jar', cliJar, fixture.resolve('nixos-like.iso').toString(),
        target.resolve('cli-usb.iso').toString(), '--serial', '--kernel-args', 'console=ttyS0'])
println out
assert code == 0 : out
def sha = { Path p -> p.resolveSibling(p.fileName.toString() + '.sha256').toFile().text.split(/\s+/)[0] }
assert sha(target.resolve('cli-usb.iso')) == sha(target.resolve('mojo-usb.iso')) : 'the cli jar and the mojo differ'
assert Files.mismatch(target.resolve('cli-usb.iso'), target.resolve('mojo-usb.iso')) == -1L
def (xcode, report) = run(['xorriso', '-indev', target.resolve('cli-usb.iso').toString(), '-report_el_torito', 'plain'])
assert xcode == 0 && report.contains('isolinux') : report

// --lint: the exit status says the worst severity (0: isohybrid's nesting, notes only; 0: gpt, none), JSON parses
def (lintCode, lintOut) = run([java, '-jar', cliJar, '--lint', target.resolve('cli-usb.iso').toString(), '--json'])
assert lintCode == 0 : lintOut
def nested = new groovy.json.JsonSlurper().parseText(lintOut)
assert nested.worst == 'info' && nested.findings*.id.contains('PARTITIONS_OVERLAP') : lintOut
def (gptCode, gptOut) = run([java, '-jar', cliJar, fixture.resolve('nixos-like.iso').toString(),
        target.resolve('cli-gpt.iso').toString(), '--layout', 'gpt'])
assert gptCode == 0 : gptOut
def (cleanCode, cleanOut) = run([java, '-jar', cliJar, '--lint', target.resolve('cli-gpt.iso').toString()])
assert cleanCode == 0 && cleanOut.contains('no findings') : cleanOut
def (missingCode, missingOut) = run([java, '-jar', cliJar, '--lint', target.resolve('nothing.iso').toString()])
assert missingCode == 1 && missingOut.contains('there is no image file here') : missingOut

// control: the plugin's own jar has the core but not the pinned boot loaders
def (bad, said) = run([java, '-cp', pluginJar, 'org.nixusb.cli.RemasterMain',
        fixture.resolve('nixos-like.iso').toString(), target.resolve('bare-usb.iso').toString()])
assert bad != 0 && said.contains('the bundled boot loader files are not on the classpath') && said.contains('-cli.jar') : said
assert !Files.exists(target.resolve('bare-usb.iso'))
return true
