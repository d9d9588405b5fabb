#!/usr/bin/env bash
# Benchmark: nixusb's remaster against cp and xorriso, in one run, on the same disk.
#
#   bash bench/run.sh            (ROUNDS=5; MEMORY=full or settled; SETTLE=3; BENCH_DIR=target/bench;
#                                 SMALL_FILES=100000)
#
# Input: a live-like, CD-only ISO of about 2.5 GiB that the script builds itself: a 2 GiB
# incompressible nix-store.squashfs, 5,000 small files in nested directories, 50 symlinks, a
# 10-level-deep directory, and the NixOS-like fixture's boot files (GRUB El Torito, loader entries).
# Each tool runs alternately with the others ROUNDS times, with the input in the page cache and memory
# in the same state each time (MEMORY, see below):
#   cp        cp IN OUT
#   xorriso   xorriso -indev IN -outdev OUT, adding the same ISOLINUX tree with -map, making
#             isolinux.bin the boot image, with isohdpfx.bin and a partition table (a full rewrite)
#   core      java -cp <plugin and bootloaders jars> org.nixusb.cli.RemasterMain IN OUT --no-checksum (time measured inside
#             the JVM, from opening the source to the output moved into place; the JVM's peak RSS)
#   core-128m the same with -Xmx128m
#   mvn       mvn -o package of a project that remasters IN, with -Dnixusb.checksum=false: the same job as
#             xorriso's (wall time, Maven's start included)
#   mvn-sha   the same with the default checksum on: the image and its .sha256
# Copy-on-write (COW=auto, the default: when run as root with mkfs.xfs; COW=0 skips it): the same input on
# a loop-mounted XFS file system with reflink (COW_SIZE=16G, sparse, under BENCH_DIR), the same rounds:
#   cp-reflink   cp --reflink=always IN OUT
#   xorriso      as above, output on the same XFS
#   core-jdkN    RemasterMain under the default JDK and under the newest JDK found (NEWER_JAVA_HOME, else
#                the highest version in /usr/lib/jvm)
#   mvn-jdkN     mvn -o package -Dnixusb.checksum=false with JAVA_HOME at each JDK; mvn-sha-jdkN with the .sha256
# each with the extra space the output takes (used space of the file system before and after, synced).
# Then: a second input with SMALL_FILES small files, core against xorriso; and the verification:
# the output boots as a USB stick (nixusb:boot, bios-usb) and every file reads back byte-identical
# (xorriso -compare_r against the source tree).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
ROUNDS=${ROUNDS:-5}
MEMORY=${MEMORY:-full}
SETTLE=${SETTLE:-3}
SMALL_FILES=${SMALL_FILES:-100000}
work=$(mkdir -p "${BENCH_DIR:-target/bench}" && cd "${BENCH_DIR:-target/bench}" && pwd)
export MTOOLS_SKIP_CHECK=1

bash scripts/setup-host.sh >/dev/null
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
mvn -B -q install -DskipTests -DskipITs
version=$(sed -n "s:.*<version>\(.*\)</version>.*:\1:p" pom.xml | head -n 1)
# the core and the bundled boot loaders it takes by default (RemasterMain, as the mojo)
jar=$root/nixusb-maven-plugin/target/nixusb-maven-plugin-$version.jar:$root/nixusb-bootloaders/target/nixusb-bootloaders-$version.jar
fixture=$root/nixusb-maven-plugin/target/fixture
bash nixusb-maven-plugin/src/test/fixture/make-nixos-like-iso.sh "$fixture" >/dev/null

# ---- inputs -----------------------------------------------------------------------------------
make_tree() { # DIR NFILES
  local t=$1 n=$2
  rm -rf "$t" && mkdir -p "$t"
  xorriso -osirrox on -indev "$fixture/nixos-like-bios.iso" -extract / "$t" >/dev/null 2>&1
  chmod -R u+w "$t"
  rm -f "$t/boot/boot.cat"
  python3 - "$t" "$n" <<'PY'
import os, sys
t, n = sys.argv[1], int(sys.argv[2])
per = 100
for i in range(n):
    d = os.path.join(t, "nix", "store", "pkg-%04d" % (i // per), "share")
    if i % per == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "file-%05d.txt" % i), "w") as f:
        f.write("small file %d\n" % i)
for i in range(50):
    os.symlink("../nix/store/pkg-%04d/share" % (i % max(1, n // per)), os.path.join(t, "nix", "link-%02d" % i))
deep = t
for i in range(10):
    deep = os.path.join(deep, "deep%d" % i)
os.makedirs(deep, exist_ok=True)
open(os.path.join(deep, "bottom.txt"), "w").write("ten levels\n")
PY
}
make_iso() { # TREE OUT
  xorriso -as mkisofs -quiet -o "$2" -V NIXOS_ISO -R -J -joliet-long \
    -b boot/grub/grub_eltorito -c boot/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$1"
  dd if=/dev/zero of="$2" bs=512 count=1 conv=notrunc status=none
}
big=$work/nix-store.squashfs
if [ ! -s "$big" ]; then
  echo "bench: making 2 GiB of incompressible data"
  head -c $((2048 * 1024 * 1024)) /dev/urandom > "$big.tmp" && mv "$big.tmp" "$big"
fi
if [ ! -s "$work/live.iso" ]; then
  echo "bench: building the live-like input"
  make_tree "$work/tree" 5000
  rm -f "$work/tree/nix-store.squashfs" && ln "$big" "$work/tree/nix-store.squashfs"
  make_iso "$work/tree" "$work/live.iso"
fi
if [ ! -s "$work/small.iso" ]; then
  echo "bench: building the input with $SMALL_FILES small files"
  make_tree "$work/tree-small" "$SMALL_FILES"
  make_iso "$work/tree-small" "$work/small.iso"
fi
# the ISOLINUX tree xorriso adds, the same files nixusb adds
iso_tree=$work/isolinux
rm -rf "$iso_tree" && mkdir -p "$iso_tree"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/{ldlinux,libcom32,libutil,menu}.c32 "$iso_tree/"
java -cp "$jar" org.nixusb.cli.RemasterMain "$work/live.iso" "$work/probe.iso" --efi none --no-checksum -q
xorriso -osirrox on -indev "$work/probe.iso" -extract /isolinux/syslinux.cfg "$iso_tree/syslinux.cfg" >/dev/null 2>&1
rm -f "$work/probe.iso"
mkdir -p "$work/proj"
cat > "$work/proj/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>live</artifactId><version>1</version><packaging>pom</packaging>
  <properties>
    <nixusb.source>$work/live.iso</nixusb.source>
    <nixusb.efi>none</nixusb.efi>
    <project.build.outputTimestamp>2024-01-01T00:00:00Z</project.build.outputTimestamp>
  </properties>
  <build><plugins><plugin>
    <groupId>org.nixusb</groupId><artifactId>nixusb-maven-plugin</artifactId><version>$version</version>
    <executions><execution><goals><goal>remaster</goal></goals></execution></executions>
    <configuration><serial>true</serial><kernelArgs>console=ttyS0</kernelArgs></configuration>
  </plugin></plugins></build>
</project>
POM
(cd "$work/proj" && mvn -B -q package >/dev/null) # resolve once, so later runs can be offline

# ---- JDKs: the default one, and the newest in /usr/lib/jvm (NEWER_JAVA_HOME to choose) --------------
default_java=$(readlink -f "$(command -v java)" | sed 's:/bin/java$::')
newer_java=${NEWER_JAVA_HOME:-}
if [ -z "$newer_java" ]; then
  for j in /usr/lib/jvm/*/; do
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$j/release" 2>/dev/null || true)
    [ -n "$v" ] && [ -x "$j/bin/java" ] && echo "$v ${j%/}"
  done | sort -n | tail -n 1 > "$work/newest-jdk.txt"
  newer_java=$(cut -d' ' -f2 "$work/newest-jdk.txt")
fi
jdk_name() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/jdk\1/p' "$1/release"; }
jdks=("$default_java")
[ -n "$newer_java" ] && [ "$(readlink -f "$newer_java")" != "$(readlink -f "$default_java")" ] && jdks+=("$newer_java")
for jh in "${jdks[@]:1}"; do (cd "$work/proj" && JAVA_HOME=$jh mvn -B -q package >/dev/null); done

# ---- runs -------------------------------------------------------------------------------------
results=$work/results.txt
: > "$results"
# Memory: this machine is a VM that gives memory back to its hypervisor about 2 s after it is freed, and
# touching such memory again costs several times a warm page. So the state of memory decides most of a
# copy's time, and every tool starts from the same state, chosen with MEMORY:
#   full     (default) the page cache filled up with a sparse ballast file, as on a build host that has
#            run for a while: new pages come from reclaiming clean cache;
#   settled  free memory, SETTLE seconds after the last run, given back to the hypervisor.
ballast=$work/ballast.sparse
ballast_at=0
trap 'rm -f "$ballast"' EXIT
fill_cache() { # read ballast until at most 1 GiB of memory is free
  local free_kib n
  free_kib=$(awk '/MemFree/{print $2}' /proc/meminfo)
  n=$(( (free_kib - 1048576) / 1024 ))
  if [ "$n" -gt 0 ]; then
    dd if="$ballast" of=/dev/null bs=1M skip="$ballast_at" count="$n" status=none
    ballast_at=$((ballast_at + n))
  fi
}
if [ "$MEMORY" = full ]; then
  rm -f "$ballast" && truncate -s 4T "$ballast"
  echo "bench: filling the page cache ($(awk '/MemFree/{print int($2/1048576)}' /proc/meminfo) GiB free)"
  fill_cache
fi
measure() { # NAME INPUT OUTPUT COMMAND...   appends "NAME seconds rss_kib [inner_seconds]"
  local name=$1 in=$2 out=$3; shift 3
  rm -f "$out"
  cat "$in" > /dev/null
  if [ "$MEMORY" = full ]; then
    fill_cache # takes back what the last run freed, at once, before it goes to the hypervisor
  else
    sync
    sleep "$SETTLE"
  fi
  sync
  local log=$work/run.log
  /usr/bin/time -o "$work/time.txt" -f "%e %M" "$@" > "$log" 2>&1 || { cat "$log"; echo "bench: $name failed" >&2; exit 1; }
  local inner
  inner=$(sed -n 's/.*Wrote .* in \([0-9.]*\) s.*/\1/p' "$log" | tail -n 1)
  echo "$name $(cat "$work/time.txt") ${inner:-}" >> "$results"
  rm -f "$out"
}
xorriso_remaster=$work/xorriso-remaster.sh # IN OUT
cat > "$xorriso_remaster" <<SH
exec xorriso -indev "\$1" -outdev "\$2" -map "$iso_tree" /isolinux \\
  -boot_image isolinux dir=/isolinux -boot_image isolinux system_area=/usr/lib/ISOLINUX/isohdpfx.bin \\
  -boot_image isolinux partition_table=on -commit
SH
for r in $(seq "$ROUNDS"); do
  echo "bench: round $r of $ROUNDS"
  measure cp "$work/live.iso" "$work/out-cp.iso" cp "$work/live.iso" "$work/out-cp.iso"
  measure xorriso "$work/live.iso" "$work/out-x.iso" bash "$xorriso_remaster" "$work/live.iso" "$work/out-x.iso"
  measure core "$work/live.iso" "$work/out-core.iso" java -cp "$jar" org.nixusb.cli.RemasterMain \
    "$work/live.iso" "$work/out-core.iso" --efi none --serial --kernel-args console=ttyS0 --no-checksum
  measure core-128m "$work/live.iso" "$work/out-core.iso" java -Xmx128m -cp "$jar" org.nixusb.cli.RemasterMain \
    "$work/live.iso" "$work/out-core.iso" --efi none --serial --kernel-args console=ttyS0 --no-checksum
  measure mvn "$work/live.iso" "$work/proj/target/live-1-usb.iso" mvn -B -o -f "$work/proj/pom.xml" package \
    -Dnixusb.checksum=false
  measure mvn-sha "$work/live.iso" "$work/proj/target/live-1-usb.iso" mvn -B -o -f "$work/proj/pom.xml" package
  for jh in "${jdks[@]:1}"; do # the newer JDK on the same disk
    n=$(jdk_name "$jh")
    measure "core-$n" "$work/live.iso" "$work/out-core.iso" "$jh/bin/java" -cp "$jar" org.nixusb.cli.RemasterMain \
      "$work/live.iso" "$work/out-core.iso" --efi none --serial --kernel-args console=ttyS0 --no-checksum
    measure "mvn-$n" "$work/live.iso" "$work/proj/target/live-1-usb.iso" env JAVA_HOME="$jh" mvn -B -o -f \
      "$work/proj/pom.xml" package -Dnixusb.checksum=false
  done
  measure small-xorriso "$work/small.iso" "$work/out-sx.iso" bash "$xorriso_remaster" "$work/small.iso" "$work/out-sx.iso"
  measure small-core "$work/small.iso" "$work/out-sc.iso" java -cp "$jar" org.nixusb.cli.RemasterMain \
    "$work/small.iso" "$work/out-sc.iso" --efi none --no-checksum
done

# ---- copy-on-write: the same input on XFS with reflink -------------------------------------------
COW=${COW:-auto}
cow_results=$work/cow-results.txt
: > "$cow_results"
cow_mnt=$work/cow-mnt
if [ "$COW" != 0 ] && [ "$(id -u)" = 0 ] && command -v mkfs.xfs >/dev/null 2>&1; then
  echo "bench: copy-on-write rounds on a loop-mounted XFS"
  mountpoint -q "$cow_mnt" && umount "$cow_mnt"
  rm -f "$work/cow-xfs.img" && truncate -s "${COW_SIZE:-16G}" "$work/cow-xfs.img"
  mkfs.xfs -q -f -m reflink=1 "$work/cow-xfs.img"
  mkdir -p "$cow_mnt" && mount -o loop "$work/cow-xfs.img" "$cow_mnt"
  trap 'rm -f "$ballast"; umount "$cow_mnt" 2>/dev/null || umount -l "$cow_mnt" 2>/dev/null || true' EXIT
  cp "$work/live.iso" "$cow_mnt/live.iso"
  mkdir -p "$cow_mnt/proj"
  sed "s:<nixusb.source>.*</nixusb.source>:<nixusb.source>$cow_mnt/live.iso</nixusb.source>:" "$work/proj/pom.xml" \
    > "$cow_mnt/proj/pom.xml"
  for jh in "${jdks[@]}"; do (cd "$cow_mnt/proj" && JAVA_HOME=$jh mvn -B -o -q package >/dev/null); done
  used_kib() { sync -f "$cow_mnt"; df -k --output=used "$cow_mnt" | tail -n 1 | tr -d ' '; }
  measure_cow() { # NAME OUTPUT COMMAND...   appends "NAME seconds rss_kib inner_seconds extra_kib"
    local name=$1 out=$2; shift 2
    rm -f "$out" "$out.sha256"
    cat "$cow_mnt/live.iso" > /dev/null
    if [ "$MEMORY" = full ]; then
      fill_cache
    else
      sync
      sleep "$SETTLE"
    fi
    local before log=$work/run.log
    before=$(used_kib)
    /usr/bin/time -o "$work/time.txt" -f "%e %M" "$@" > "$log" 2>&1 || { cat "$log"; echo "bench: $name failed" >&2; exit 1; }
    local inner extra
    extra=$(( $(used_kib) - before ))
    inner=$(sed -n 's/.*Wrote .* in \([0-9.]*\) s.*/\1/p' "$log" | tail -n 1)
    grep -q "Cloned the source" "$log" || [ -z "$inner" ] || echo "bench: $name did not clone: $(grep -E 'Copied the source' "$log")" >&2
    echo "$name $(cat "$work/time.txt") ${inner:--} $extra" >> "$cow_results"
    rm -f "$out" "$out.sha256"
  }
  for r in $(seq "$ROUNDS"); do
    echo "bench: copy-on-write round $r of $ROUNDS"
    measure_cow cp-reflink "$cow_mnt/out-cp.iso" cp --reflink=always "$cow_mnt/live.iso" "$cow_mnt/out-cp.iso"
    measure_cow xorriso "$cow_mnt/out-x.iso" bash "$xorriso_remaster" "$cow_mnt/live.iso" "$cow_mnt/out-x.iso"
    for jh in "${jdks[@]}"; do
      n=$(jdk_name "$jh")
      measure_cow "core-$n" "$cow_mnt/out-core.iso" "$jh/bin/java" -cp "$jar" org.nixusb.cli.RemasterMain \
        "$cow_mnt/live.iso" "$cow_mnt/out-core.iso" --efi none --serial --kernel-args console=ttyS0 --no-checksum
      measure_cow "mvn-$n" "$cow_mnt/proj/target/live-1-usb.iso" env JAVA_HOME="$jh" mvn -B -o -f \
        "$cow_mnt/proj/pom.xml" package -Dnixusb.checksum=false
      measure_cow "mvn-sha-$n" "$cow_mnt/proj/target/live-1-usb.iso" env JAVA_HOME="$jh" mvn -B -o -f \
        "$cow_mnt/proj/pom.xml" package
    done
  done
  rm -rf "$cow_mnt/proj" "$cow_mnt/live.iso"
  umount "$cow_mnt" && rm -f "$work/cow-xfs.img"
else
  echo "bench: copy-on-write rounds skipped (COW=$COW; they need root and mkfs.xfs)"
fi

# ---- verification of nixusb's output ------------------------------------------------------------
echo "bench: verifying nixusb's output"
(cd "$work/proj" && mvn -B -o -q package)
out=$work/proj/target/live-1-usb.iso
xorriso -indev "$out" -compare_r "$work/tree" / > "$work/compare.log" 2>&1 || true
# expected: the added /isolinux tree, the source's boot catalog, and grub_eltorito, whose boot info table
# the source ISO's writer patched for its own place (checked against the source ISO below instead)
unexpected=$(grep -E "^[-?] '" "$work/compare.log" | grep -vE "/tree/(isolinux|isolinux/[^']+|boot/boot.cat)' \(DISK\) : cannot lstat|/tree/boot/grub/grub_eltorito' \(DISK\) : CONTENT" || true)
if [ -n "$unexpected" ]; then
  echo "bench: VERIFY FAILED: $unexpected"; exit 1
fi
for iso in "$work/live.iso" "$out"; do
  xorriso -osirrox on -indev "$iso" -extract /boot/grub/grub_eltorito "$work/$(basename "$iso").eltorito" >/dev/null 2>&1
done
cmp "$work/live.iso.eltorito" "$work/$(basename "$out").eltorito" || { echo "bench: VERIFY FAILED: grub_eltorito"; exit 1; }
verified_files=$(find "$work/tree" -type f | wc -l)
(cd "$work/proj" && mvn -B -o -q org.nixusb:nixusb-maven-plugin:"$version":boot -Dnixusb.image="$out" \
  "-Dnixusb.boot.expect=NIXUSB-FIXTURE-BOOTED root=\S+ token=\S+" -Dnixusb.boot.timeout=600) \
  && boot=PASSED || boot=FAILED

# ---- report -----------------------------------------------------------------------------------
rm -f "$ballast"
python3 - "$results" "$boot" "$verified_files" "$(stat -c %s "$work/live.iso")" "$SMALL_FILES" "$MEMORY" "$SETTLE" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    p = line.split()
    rows.setdefault(p[0], []).append((float(p[1]), int(p[2]), float(p[3]) if len(p) > 3 else None))
med = lambda name, i: statistics.median(r[i] for r in rows[name])
low = lambda name, i: min(r[i] for r in rows[name])
peak = lambda name: max(r[1] for r in rows[name]) / 1024
# a ratio per round (each tool against the other tool of the same round, which ran seconds before),
# then the median of those: the host's slow drift cancels out of it
def paired(a, ai, b, bi):
    return statistics.median(x[ai] / y[bi] for x, y in zip(rows[a], rows[b]))
n = len(rows["cp"])
memory = "page cache full (MEMORY=full)" if sys.argv[6] == "full" else "memory settled for %s s (MEMORY=settled)" % sys.argv[7]
print("\ninput: %.2f GiB live-like CD-only ISO; %d rounds; %s" % (int(sys.argv[4]) / 2**30, n, memory))
print("| run | wall s, median (best) | remaster s in JVM, median (best) | peak RSS MiB | ratio: median of rounds (of medians) | target |")
print("|---|---|---|---|---|---|")
print("| cp | %.2f (%.2f) | | %.0f | | |" % (med("cp", 0), low("cp", 0), peak("cp")))
print("| xorriso | %.2f (%.2f) | | %.0f | %.2f x cp | |" % (med("xorriso", 0), low("xorriso", 0), peak("xorriso"), paired("xorriso", 0, "cp", 0)))
for name in ("core", "core-128m"):
    print("| %s | %.2f (%.2f) | %.2f (%.2f) | %.0f | %.2f x cp (%.2f) | <= 1.2 x cp, RSS <= 300 MiB |" % (
        name, med(name, 0), low(name, 0), med(name, 2), low(name, 2), peak(name), paired(name, 2, "cp", 0),
        med(name, 2) / med("cp", 0)))
print("| mvn package (same job) | %.2f (%.2f) | %.2f (%.2f) | %.0f | %.2f x xorriso (%.2f) | <= 0.7 x xorriso, RSS <= 700 MiB |" % (
    med("mvn", 0), low("mvn", 0), med("mvn", 2), low("mvn", 2), peak("mvn"), paired("mvn", 0, "xorriso", 0),
    med("mvn", 0) / med("xorriso", 0)))
print("| mvn package + .sha256 | %.2f (%.2f) | %.2f (%.2f) | %.0f | %.2f x xorriso (%.2f) | RSS <= 700 MiB |" % (
    med("mvn-sha", 0), low("mvn-sha", 0), med("mvn-sha", 2), low("mvn-sha", 2), peak("mvn-sha"),
    paired("mvn-sha", 0, "xorriso", 0), med("mvn-sha", 0) / med("xorriso", 0)))
for name in sorted(r for r in rows if r.startswith("core-jdk")):
    print("| %s | %.2f (%.2f) | %.2f (%.2f) | %.0f | %.2f x cp (%.2f) | <= 1.2 x cp, RSS <= 300 MiB |" % (
        name, med(name, 0), low(name, 0), med(name, 2), low(name, 2), peak(name), paired(name, 2, "cp", 0),
        med(name, 2) / med("cp", 0)))
for name in sorted(r for r in rows if r.startswith("mvn-jdk")):
    print("| %s package (same job) | %.2f (%.2f) | %.2f (%.2f) | %.0f | %.2f x xorriso (%.2f) | <= 0.7 x xorriso |" % (
        name, med(name, 0), low(name, 0), med(name, 2), low(name, 2), peak(name), paired(name, 0, "xorriso", 0),
        med(name, 0) / med("xorriso", 0)))
k = int(sys.argv[5])
print("| %d small files: xorriso | %.2f (%.2f) | | %.0f | | |" % (k, med("small-xorriso", 0), low("small-xorriso", 0), peak("small-xorriso")))
print("| %d small files: core | %.2f (%.2f) | %.2f (%.2f) | %.0f | %.2f x xorriso (%.2f) | <= 2 x xorriso |" % (
    k, med("small-core", 0), low("small-core", 0), med("small-core", 2), low("small-core", 2), peak("small-core"),
    paired("small-core", 0, "small-xorriso", 0), med("small-core", 0) / med("small-xorriso", 0)))
print("\nverification: USB boot %s; %s source files compared byte for byte with xorriso -compare_r" % (sys.argv[2], sys.argv[3]))
PY

# ---- copy-on-write report ----------------------------------------------------------------------
if [ -s "$cow_results" ]; then
python3 - "$cow_results" "$(stat -c %s "$work/live.iso")" <<'PY'
import statistics, sys
rows = {}
order = []
for line in open(sys.argv[1]):
    p = line.split()
    if p[0] not in rows:
        order.append(p[0])
    rows.setdefault(p[0], []).append((float(p[1]), int(p[2]), None if p[3] == "-" else float(p[3]), int(p[4])))
med = lambda name, i: statistics.median(r[i] for r in rows[name])
low = lambda name, i: min(r[i] for r in rows[name])
def paired(a, b):
    return statistics.median(x[0] / max(y[0], 0.01) for x, y in zip(rows[a], rows[b]))
n = len(rows["xorriso"])
print("\ncopy-on-write: the same %.2f GiB input on a loop-mounted XFS (reflink=1); %d rounds" % (int(sys.argv[2]) / 2**30, n))
print("| run | wall s, median (best) | remaster s in JVM, median (best) | extra space MiB, median (max) | peak RSS MiB | wall: median of rounds x xorriso | x cp --reflink |")
print("|---|---|---|---|---|---|---|")
for name in order:
    inner = "" if rows[name][0][2] is None else "%.2f (%.2f)" % (med(name, 2), low(name, 2))
    print("| %s | %.2f (%.2f) | %s | %.0f (%.0f) | %.0f | %s | %s |" % (name, med(name, 0), low(name, 0), inner,
        med(name, 3) / 1024, max(r[3] for r in rows[name]) / 1024, max(r[1] for r in rows[name]) / 1024,
        "" if name == "xorriso" else "%.3f" % paired(name, "xorriso"),
        "" if name == "cp-reflink" else "%.0f" % paired(name, "cp-reflink")))
print("(time's resolution is 0.01 s: cp --reflink's 0.00 s counts as 0.01 s in the last column)")
PY
fi
