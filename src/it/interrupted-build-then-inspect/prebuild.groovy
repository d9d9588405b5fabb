// A source of 1.5 GiB (the fixture, padded), then a build of this project killed with kill -9 while it writes, as
// a CI timeout or the OOM killer would: it leaves its temporary file behind.
import java.nio.file.*
import java.util.concurrent.TimeUnit

def target = basedir.toPath().resolve('target')
Files.createDirectories(target)
def big = target.resolve('big-source.iso')
Files.copy(Paths.get(fixtureDir).resolve('nixos-like.iso'), big, StandardCopyOption.REPLACE_EXISTING)
new RandomAccessFile(big.toFile(), 'rw').withCloseable { it.setLength(1536L << 20) }

def leftovers = { ->
    Files.list(target).withCloseable { s -> s.map { it.fileName.toString() }.filter { it.startsWith('.custom-usb.iso.') }.toList() }
}
def log = target.resolve('killed-build.log').toFile()
// the ITs' settings, as the invoker filters them: released artifacts from the outer local repository
def settings = target.resolve('killed-build-settings.xml')
settings.toFile().text = new File(itSettings).text.replace('@localRepositoryUrl@',
        new File(outerRepository).toURI().toString())
def mvn = new ProcessBuilder('mvn', '-B', '-s', settings.toString(), "-Dmaven.repo.local=${localRepositoryPath}",
        '-f', basedir.toPath().resolve('pom.xml').toString(), 'package')
        .redirectErrorStream(true).redirectOutput(log).start()
long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300)
while (leftovers().isEmpty() && mvn.isAlive() && System.nanoTime() < deadline) {
    Thread.sleep(5)
}
def all = [mvn.toHandle()] + mvn.descendants().toList()
all.each { h -> new ProcessBuilder('kill', '-9', h.pid().toString()).start().waitFor() }
mvn.waitFor(30, TimeUnit.SECONDS)
def left = leftovers()
println "killed the build (exit ${mvn.exitValue()}), it left: ${left}"
assert mvn.exitValue() == 137 : "the build was not killed mid-write (exit ${mvn.exitValue()}): ${log.text.takeRight(3000)}"
assert left.any { it ==~ /\.custom-usb\.iso\.\d+\.part/ } : "no temporary file left: ${left}"
assert !Files.exists(target.resolve('custom-usb.iso')) : 'the killed build must not have finished'
return true
