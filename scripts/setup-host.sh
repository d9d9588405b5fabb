#!/usr/bin/env bash
# Installs the host packages that nixusb's build, tests and demo need, when they are missing.
# Debian/Ubuntu: installs them itself when run as root; otherwise prints the apt-get command.
set -euo pipefail

declare -A need=(
  [mvn]=maven
  [javac]=default-jdk-headless
  [qemu-system-x86_64]=qemu-system-x86
  [/usr/lib/ISOLINUX/isolinux.bin]=isolinux
  [/usr/lib/syslinux/modules/bios/ldlinux.c32]=syslinux-common
  [isohybrid]=syslinux-utils
  [xorriso]=xorriso
  [genisoimage]=genisoimage
  [isoinfo]=genisoimage
  [grub-mkimage]=grub-pc-bin
  [grub-script-check]=grub-common
  [grub-mkstandalone]=grub-common
  [/usr/lib/grub/x86_64-efi/normal.mod]=grub-efi-amd64-bin
  [/usr/lib/grub/i386-pc/cdboot.img]=grub-pc-bin
  [cpio]=cpio
  [mkfs.vfat]=dosfstools
  [mcopy]=mtools
  [mksquashfs]=squashfs-tools
  [syslinux]=syslinux
  [strings]=binutils
  [objcopy]=binutils
  [objdump]=binutils
  [openssl]=openssl
  [osslsigncode]=osslsigncode
  [cert-to-efi-sig-list]=efitools
  [sign-efi-sig-list]=efitools
  [fdisk]=fdisk
  [sgdisk]=gdisk
  [/usr/share/OVMF/OVMF_CODE_4M.fd]=ovmf
  [/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd]=ovmf-ia32
  [qemu-system-aarch64]=qemu-system-arm
  [/usr/share/AAVMF/AAVMF_CODE.fd]=qemu-efi-aarch64
  [/usr/lib/grub/x86_64-efi/monolithic/grubx64.efi]=grub-efi-amd64-bin
  [fsck.fat]=dosfstools
  [checkisomd5]=isomd5sum
  [implantisomd5]=isomd5sum
  [python3]=python3
  [sha256sum]=coreutils
  [xz]=xz-utils
  [zstd]=zstd
  [qemu-img]=qemu-utils
  [mkfs.xfs]=xfsprogs
  [mkfs.btrfs]=btrfs-progs
  [mkfs.ext4]=e2fsprogs
  [filefrag]=e2fsprogs
  [losetup]=mount
  [script]=bsdutils
  [fallocate]=util-linux
  [tar]=tar
)
# the arm64 fixtures and boot loaders come from Debian's arm64 packages, downloaded (never installed) on this host
if command -v dpkg >/dev/null 2>&1 && [ "$(dpkg --print-architecture)" != arm64 ] \
    && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup-host: adding the arm64 package architecture (for apt-get download of arm64 packages)"
    dpkg --add-architecture arm64 && apt-get update -qq
  else
    echo "setup-host: the arm64 fixtures need: sudo dpkg --add-architecture arm64 && sudo apt-get update" >&2
  fi
fi
# CopyOnWriteTest also remasters under a JDK on the other side of 20 than the build's (JDK 20+ clones through its own
# copy_file_range; 17-19 through cp --reflink): with the build on 17, a JDK 20+ must lie under /usr/lib/jvm.
second_jdk() {
  local j v
  for j in /usr/lib/jvm/*/release; do
    [ -f "$j" ] || continue
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$j")
    [ -n "$v" ] && [ "$v" -ge 20 ] && [ -x "$(dirname "$j")/bin/java" ] && return 0
  done
  return 1
}
if ! second_jdk; then
  jdk=""
  if command -v apt-cache >/dev/null 2>&1; then
    for p in openjdk-25-jdk-headless openjdk-21-jdk-headless; do
      if apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then jdk=$p; break; fi
    done
  fi
  if [ -n "$jdk" ] && [ "$(id -u)" = 0 ]; then
    echo "setup-host: installing $jdk (the copy-on-write test's second JDK)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$jdk" >/dev/null
  else
    echo "setup-host: no JDK 20 or newer under /usr/lib/jvm and none in this distribution's archive:" \
      "CopyOnWriteTest's second-JDK check needs one (any JDK 21+ unpacked under /usr/lib/jvm)" >&2
  fi
fi
missing=()
for what in "${!need[@]}"; do
  if [[ $what == /* ]]; then
    [ -e "$what" ] && continue
  else
    command -v "$what" >/dev/null 2>&1 && continue
    [ -x "/usr/sbin/$what" ] || [ -x "/sbin/$what" ] && continue
  fi
  missing+=("${need[$what]}")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-host: all host packages present"
  exit 0
fi
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" != 0 ]; then
  echo "setup-host: missing packages: $pkgs" >&2
  echo "setup-host: install them with: sudo apt-get install -y $pkgs" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-host: missing packages ($pkgs) and no apt-get: install their equivalents by hand" >&2
  exit 1
fi
echo "setup-host: installing $pkgs"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
echo "setup-host: done"
