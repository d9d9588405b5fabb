// See pom.xml's description. Script variables: fixtureDir, outerRepository, itSettings, localRepositoryPath,
// maven39Version, buildCacheExtensionVersion.
import java.nio.file.*

def work = new File(basedir, 'target')
work.deleteDir()
work.mkdirs()

// Maven 3.9 or later: the host's, or the distribution from the repository
def hostMaven = new File(System.getProperty('maven.home'), 'bin/mvn')
def version = { File mvn ->
    def p = new ProcessBuilder([mvn.path, '-v']).redirectErrorStream(true).start()
    def out = p.inputStream.text
    p.waitFor()
    def m = out =~ /Apache Maven (\d+)\.(\d+)/
    m.find() ? [m.group(1) as int, m.group(2) as int] : [0, 0]
}
def hv = version(hostMaven)
def mvn = hostMaven
if (hv[0] < 3 || (hv[0] == 3 && hv[1] < 9)) {
    def tgz = new File(outerRepository, "org/apache/maven/apache-maven/${maven39Version}/apache-maven-${maven39Version}-bin.tar.gz")
    assert tgz.isFile() : "Maven ${maven39Version} is not in ${outerRepository} (the plugin module's build fetches it)"
    def p = new ProcessBuilder(['tar', 'xzf', tgz.path, '-C', work.path]).redirectErrorStream(true).start()
    def out = p.inputStream.text
    assert p.waitFor() == 0 : out
    mvn = new File(work, "apache-maven-${maven39Version}/bin/mvn")
    println "build cache extension IT: the host's Maven is ${hv.join('.')}; using ${mvn}"
}

def settings = new File(work, 'settings.xml')
settings.text = new File(itSettings).text.replace('@localRepositoryUrl@', new File(outerRepository).toURI().toString())
def pluginVersion = (new File(basedir, 'pom.xml').text =~ /<nixusb.plugin.version>([^<]+)</)[0][1]

def calls = new File(work, 'qemu-calls.txt')
def real = ['/usr/bin/qemu-system-x86_64', '/usr/local/bin/qemu-system-x86_64'].find { new File(it).canExecute() }
assert real : 'qemu-system-x86_64 is not installed'
def wrapper = new File(work, 'counting-qemu')
wrapper.text = "#!/bin/sh\necho \"\$*\" >> '${calls}'\nexec ${real} \"\$@\"\n"
wrapper.setExecutable(true)
// the modes whose machines a build started (a boot that falls back from KVM to software emulation starts two)
def seen = 0
def started = {
    def lines = calls.exists() ? calls.readLines() : []
    def added = lines.drop(seen)
    seen = lines.size()
    added.findAll { it.contains('-serial mon:stdio') }.collect { (it =~ /boot-((?:bios|uefi)-(?:usb|hdd|cdrom))/)[0][1] }.toSet().size()
}

def project = new File(work, 'image-project')
new File(project, '.mvn').mkdirs()
new File(project, 'src/main/image').mkdirs()
new File(project, 'src/main/image/release.txt').text = 'release 1\n'
new File(project, '.mvn/extensions.xml').text = """<extensions>
  <extension>
    <groupId>org.apache.maven.extensions</groupId>
    <artifactId>maven-build-cache-extension</artifactId>
    <version>${buildCacheExtensionVersion}</version>
  </extension>
</extensions>
"""
def remote = new File(work, 'remote-cache')
new File(project, '.mvn/maven-build-cache-config.xml').text = """<cache xmlns="http://maven.apache.org/BUILD-CACHE-CONFIG/1.0.0">
  <configuration>
    <enabled>true</enabled>
    <hashAlgorithm>SHA-256</hashAlgorithm>
    <remote enabled="true" id="boots">
      <url>${remote.toURI()}</url>
    </remote>
    <attachedOutputs>
      <dirNames>
        <dirName>nixusb</dirName>
        <dirName>nixusb-reports</dirName>
      </dirNames>
    </attachedOutputs>
  </configuration>
  <input>
    <global>
      <glob>*</glob>
      <includes>
        <include>src/</include>
      </includes>
    </global>
  </input>
</cache>
"""
new File(project, 'pom.xml').text = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.nixusb.it</groupId>
  <artifactId>shared-boots</artifactId>
  <version>1.0</version>
  <!-- not pom: the extension hashes no files of a pom-packaged module -->
  <packaging>nixusb-image</packaging>
  <properties>
    <nixusb.source>${fixtureDir}/nixos-like.iso</nixusb.source>
    <project.build.outputTimestamp>2024-01-01T00:00:00Z</project.build.outputTimestamp>
  </properties>
  <build>
    <plugins>
      <plugin>
        <groupId>org.nixusb</groupId>
        <artifactId>nixusb-maven-plugin</artifactId>
        <version>${pluginVersion}</version>
        <!-- the packaging nixusb-image: package remasters, verify boots -->
        <extensions>true</extensions>
        <configuration>
          <serial>true</serial>
          <kernelArgs>console=ttyS0 nixusb.shell</kernelArgs>
          <expect>NIXUSB-FIXTURE-BOOTED root=\\S+ token=\\S+</expect>
          <script>expect nixusb-fixture#
[release file] run cat /mnt/release.txt => ^release
poweroff poweroff -f</script>
          <timeout>300</timeout>
          <cache>none</cache>
          <qemu>${wrapper}</qemu>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
"""
def builds = 1
def build = { String localCache, List<String> extra ->
    def cmd = [mvn.path, '-B', '-s', settings.path, "-Dmaven.repo.local=${localRepositoryPath}",
               "-Dmaven.build.cache.location=${new File(work, localCache)}"] + extra + ['verify']
    def p = new ProcessBuilder(cmd.collect { it.toString() }).directory(project).redirectErrorStream(true).start()
    def out = p.inputStream.text
    new File(work, "build-${builds++}.log").text = out
    assert p.waitFor() == 0 : "the build ${extra} failed:\n${out}"
    out
}

// 1. the first machine: builds, boots, saves to the remote
def first = build('local-cache-machine-1', ['-Dmaven.build.cache.remote.save.enabled=true'])
assert started() == 1 : 'the first build boots'
assert first =~ /Boot bios-usb PASSED in [0-9.]+ s: .*all 3 script steps passed/
assert first.contains('Saved to remote cache')
new File(project, 'target').deleteDir()

// 2. another machine (an empty local cache): restores from the remote, does not boot
def second = build('local-cache-machine-2', [])
assert started() == 0 : 'the second build boots nothing'
assert second.contains('Found cached build, restoring') : second
assert second.contains('Skipping plugin execution (cached): nixusb:boot') : second
assert !second.contains('Booting ')
def junit = new File(project, 'target/nixusb-reports/TEST-nixusb-boot.xml')
assert junit.isFile() && junit.text =~ /tests="4"/ && junit.text =~ /failures="0"/ : 'the boot report came back'
assert new File(project, 'target/nixusb/boot-bios-usb.log').getText('ISO-8859-1').contains('NIXUSB-FIXTURE-BOOTED')
assert new File(project, 'target/shared-boots-1.0-usb.iso').isFile() : 'the image came back'

// 3. a one-byte change to a file in src/main/image: boots again
new File(project, 'src/main/image/release.txt').text = 'release 2\n'
def third = build('local-cache-machine-2', [])
assert started() == 1 : 'a changed input boots again'
assert !third.contains('Skipping plugin execution (cached): nixusb:boot')
assert third =~ /Boot bios-usb PASSED in /
println 'build cache extension IT: boot, restore without booting, boot after a change'
return true
