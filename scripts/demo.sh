#!/usr/bin/env bash
# The demo: builds the plugin and the NixOS-like CD-only fixture, remasters it into a USB image with
# `mvn package`, boots the image as a USB stick under QEMU with `mvn verify` (a console script checks the medium
# in the booted system), and prints the result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-host.sh
mvn -B -q install -DskipTests -DskipITs
fixture=nixusb-maven-plugin/target/fixture
bash nixusb-maven-plugin/src/test/fixture/make-nixos-like-iso.sh "$fixture"
demo=target/demo
rm -rf "$demo" && mkdir -p "$demo"
version=$(sed -n "s:.*<version>\(.*\)</version>.*:\1:p" pom.xml | head -n 1)
cat > "$demo/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.nixusb.demo</groupId>
  <artifactId>nixos-usb</artifactId>
  <version>1.0</version>
  <packaging>pom</packaging>
  <properties>
    <nixusb.source>$(pwd)/$fixture/nixos-like.iso</nixusb.source>
    <project.build.outputTimestamp>2024-01-01T00:00:00Z</project.build.outputTimestamp>
  </properties>
  <build>
    <plugins>
      <plugin>
        <groupId>org.nixusb</groupId>
        <artifactId>nixusb-maven-plugin</artifactId>
        <version>$version</version>
        <executions><execution><goals><goal>remaster</goal><goal>boot</goal></goals></execution></executions>
        <configuration>
          <serial>true</serial>
          <!-- nixusb.shell: the fixture's initrd gives a shell on the console for the script below -->
          <kernelArgs>console=ttyS0 nixusb.shell</kernelArgs>
          <expect>NIXUSB-FIXTURE-BOOTED root=\S+ token=$(cat "$fixture/token")</expect>
          <script>expect nixusb-fixture#
[root medium is the stick] run grep -E '^/dev/sda1? /mnt iso9660 ' /proc/mounts
[token on the medium] run cat /mnt/nixusb-token => $(cat "$fixture/token")
poweroff poweroff -f</script>
          <timeout>300</timeout>
        </configuration>
      </plugin>
    </plugins>
  </build>
</project>
POM
(cd "$demo" && mvn -B verify) | grep -E "nixusb|Source|El Torito|Syslinux|Boot entries|Copied|Added|Isohybrid|Wrote|Booting|step '|PASSED|FAILED|BUILD|ERROR"
echo
echo "demo: USB image $demo/target/nixos-usb-1.0-usb.iso"
echo "demo: serial log $demo/target/nixusb/boot-bios-usb.log:"
grep -a -E "ISOLINUX|NIXUSB-FIXTURE-BOOTED" "$demo/target/nixusb/boot-bios-usb.log" | tr -d '\r' | sed 's/^/  /'
