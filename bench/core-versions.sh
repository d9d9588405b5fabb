#!/usr/bin/env bash
# The core of several builds on one input, in paired rounds: is a change slower than the code before it?
#
#   bash bench/core-versions.sh LABEL=CLASSPATH [LABEL=CLASSPATH ...]     (ROUNDS=7, BENCH_DIR=target/bench)
#
# Each CLASSPATH holds a build's core and its boot loaders (the cli jar alone, or the plugin jar and the
# nixusb-bootloaders jar joined with ':'); its RemasterMain is found in it (org.nixusb.cli, or
# org.nixusb.remaster before the cli got its own package). The input is bench/run.sh's live-like, CD-only
# image (a 2 GiB incompressible squashfs, 5,000 small files, the NixOS-like fixture's boot files), copied
# onto a loop-mounted XFS with reflink (COW_SIZE=16G, sparse, under BENCH_DIR), where the output is a
# clone: what is measured is the remaster's own work (read, plan, write the changes), not a copy.
# In each round every build runs once, in an order that rotates, with the input in the page cache; the
# time is the one the core logs ("Wrote ... in N s": from opening the source to the output in place,
# --no-checksum). Prints each build's median and each round's times. Needs root (mount) and mkfs.xfs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-7}
COW_SIZE=${COW_SIZE:-16G}
work=$(mkdir -p "${BENCH_DIR:-target/bench}" && cd "${BENCH_DIR:-target/bench}" && pwd)
[ $# -ge 1 ] || { sed -n '2,15p' "$0"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "core-versions: needs root to loop-mount XFS" >&2; exit 1; }

labels=(); cps=(); mains=()
for arg in "$@"; do
  label=${arg%%=*}; cp=${arg#*=}
  main=""
  for m in org.nixusb.cli.RemasterMain org.nixusb.remaster.RemasterMain; do
    for j in ${cp//:/ }; do
      list=$(unzip -Z1 "$j" 2>/dev/null || true)
      if grep -qx "${m//.//}.class" <<<"$list"; then main=$m; break 2; fi
    done
  done
  [ -n "$main" ] || { echo "core-versions: no RemasterMain in $cp" >&2; exit 1; }
  labels+=("$label"); cps+=("$cp"); mains+=("$main")
done

# the input, as bench/run.sh makes it (built once, kept under BENCH_DIR)
fixture=$(pwd)/nixusb-maven-plugin/target/fixture
[ -s "$fixture/nixos-like-bios.iso" ] || bash nixusb-maven-plugin/src/test/fixture/make-nixos-like-iso.sh "$fixture" >/dev/null
if [ ! -s "$work/live.iso" ]; then
  big=$work/nix-store.squashfs
  [ -s "$big" ] || { head -c $((2048 * 1024 * 1024)) /dev/urandom > "$big.tmp" && mv "$big.tmp" "$big"; }
  t=$work/tree && rm -rf "$t" && mkdir -p "$t"
  xorriso -osirrox on -indev "$fixture/nixos-like-bios.iso" -extract / "$t" >/dev/null 2>&1
  chmod -R u+w "$t" && rm -f "$t/boot/boot.cat"
  python3 - "$t" <<'PY'
import os, sys
t = sys.argv[1]
for i in range(5000):
    d = os.path.join(t, "nix", "store", "pkg-%04d" % (i // 100), "share")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "file-%05d.txt" % i), "w").write("small file %d\n" % i)
PY
  rm -f "$t/nix-store.squashfs" && ln "$big" "$t/nix-store.squashfs"
  xorriso -as mkisofs -quiet -o "$work/live.iso" -V NIXOS_ISO -R -J -joliet-long \
    -b boot/grub/grub_eltorito -c boot/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$t"
  dd if=/dev/zero of="$work/live.iso" bs=512 count=1 conv=notrunc status=none
fi

mnt=$work/xfs-versions
img=$work/xfs-versions.img
umount "$mnt" 2>/dev/null || true
rm -f "$img" && truncate -s "$COW_SIZE" "$img" && mkfs.xfs -q -m reflink=1 "$img"
mkdir -p "$mnt" && mount -o loop "$img" "$mnt"
trap 'umount "$mnt" 2>/dev/null || true; rm -f "$img"' EXIT
cp "$work/live.iso" "$mnt/live.iso"
cat "$mnt/live.iso" > /dev/null

echo "core-versions: $(java -version 2>&1 | head -n 1); $(findmnt -no FSTYPE,OPTIONS "$mnt" | cut -c1-60); $ROUNDS rounds"
declare -A times
n=${#labels[@]}
for ((r = 0; r < ROUNDS; r++)); do
  line="round $((r + 1)):"
  for ((k = 0; k < n; k++)); do
    i=$(( (k + r) % n ))
    rm -f "$mnt/out.iso" "$mnt/out.iso.sha256"
    sync
    said=$(java -cp "${cps[$i]}" "${mains[$i]}" "$mnt/live.iso" "$mnt/out.iso" --no-checksum 2>&1)
    s=$(sed -n 's/^Wrote .* in \([0-9.]*\) s$/\1/p' <<<"$said")
    [ -n "$s" ] || { echo "$said" >&2; exit 1; }
    times[$i]="${times[$i]:-} $s"
    line="$line ${labels[$i]} $s"
    sha[$i]=$(sha256sum "$mnt/out.iso" | cut -c1-16)
  done
  echo "$line"
done
for ((i = 0; i < n; i++)); do
  med=$(tr ' ' '\n' <<<"${times[$i]}" | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "${labels[$i]}: median ${med} s (output sha256 ${sha[$i]}...)"
done
