#!/usr/bin/env bash
# Builds the content of the nixusb-bootloaders jar from pinned Debian packages:
#   fetch-bootloaders.sh LOCK_FILE OUTPUT_DIR ARTIFACT_ID
# For each line of LOCK_FILE it fetches the .deb with `apt-get download PACKAGE=VERSION` (into a cache,
# NIXUSB_DEB_CACHE, default ~/.cache/nixusb/debs), refuses it unless its SHA-256 is the recorded one,
# unpacks it with dpkg-deb -x and copies the listed files, the package's copyright file and an index
# (index.properties: each file's package, version and SHA-256) into OUTPUT_DIR/org/nixusb/bootloaders.
set -euo pipefail
lock=$1 out=$2 artifact=$3
cache=${NIXUSB_DEB_CACHE:-$HOME/.cache/nixusb/debs}
for tool in apt-get dpkg-deb sha256sum; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "nixusb-bootloaders: $tool is missing: this module is built from Debian packages, on Debian or Ubuntu" \
      "(other platforms use the published artifact)" >&2
    exit 1
  fi
done
dest=$out/org/nixusb/bootloaders
rm -rf "$dest" && mkdir -p "$dest/licenses" "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
index=$work/index
: > "$index"
sources=$work/sources
: > "$sources"
while read -r pkg version sha source files; do
  [[ -z $pkg || $pkg == \#* ]] && continue
  # PACKAGE:ARCH names another architecture's package (grub-efi-arm64-bin:arm64), downloadable on this host once
  # dpkg knows that architecture; it is only unpacked, never installed
  name=${pkg%%:*} arch=
  [ "$name" != "$pkg" ] && arch=${pkg#*:}
  if [ -n "$arch" ] && [ "$arch" != "$(dpkg --print-architecture)" ] \
      && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    if [ "$(id -u)" = 0 ]; then
      dpkg --add-architecture "$arch" && apt-get update -qq >/dev/null
    else
      echo "nixusb-bootloaders: $pkg is a package of architecture $arch, which dpkg does not know here: run" \
        "sudo dpkg --add-architecture $arch && sudo apt-get update" >&2
      exit 1
    fi
  fi
  deb=
  for f in "$cache/${name}_${version//:/%3a}"_${arch:-*}.deb; do
    [ -s "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$sha" ] && deb=$f
  done
  if [ -z "$deb" ]; then
    if ! (cd "$cache" && apt-get download -qq "$pkg=$version" >/dev/null 2>&1); then
      if [ "$(id -u)" = 0 ]; then
        apt-get update -qq >/dev/null
      fi
      (cd "$cache" && apt-get download -qq "$pkg=$version" >/dev/null 2>&1) || {
        echo "nixusb-bootloaders: apt-get download $pkg=$version failed: the pinned version is not in this" \
          "machine's package lists (run apt-get update, or pin a version it has in $lock)" >&2
        exit 1
      }
    fi
    for f in "$cache/${name}_${version//:/%3a}"_${arch:-*}.deb; do deb=$f; done
  fi
  got=$(sha256sum "$deb" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    echo "nixusb-bootloaders: $deb has SHA-256 $got, but $lock records $sha for $pkg $version: refusing it" >&2
    exit 1
  fi
  pkg=$name
  dpkg-deb -x "$deb" "$work/$pkg"
  pairs=()
  [ "$files" != - ] && IFS=, read -r -a pairs <<< "$files"
  for pair in "${pairs[@]}"; do
    from=${pair%%:*} to=${pair#*:}
    mkdir -p "$(dirname "$dest/$to")"
    cp "$work/$pkg/$from" "$dest/$to"
    echo "file.$to=$pkg $version $(sha256sum "$dest/$to" | cut -d' ' -f1)" >> "$index"
  done
  if [ -f "$work/$pkg/usr/share/doc/$pkg/copyright" ] && [ ! -L "$work/$pkg/usr/share/doc/$pkg" ]; then
    cp "$work/$pkg/usr/share/doc/$pkg/copyright" "$dest/licenses/$pkg.copyright"
  fi
  echo "$source $version" >> "$sources"
done < "$lock"
{
  echo "# What this jar holds: each file's Debian binary package, version and SHA-256."
  echo "artifact=$artifact"
  echo "release=$(sort -u "$sources" | paste -sd ';' - | sed 's/;/; /g')"
  sort "$index"
} > "$dest/index.properties"
{
  echo "nixusb-bootloaders holds unmodified files of these Debian packages, under their own licenses"
  echo "(licenses/*.copyright: syslinux is GPL-2.0-or-later, GRUB GPL-3.0-or-later):"
  echo
  sort "$index" | sed 's/^file\.\([^=]*\)=\([^ ]*\) \([^ ]*\) .*/  \1: binary package \2, version \3/'
  echo
  echo "The corresponding source is Debian's source packages of the same versions, which Debian's archive"
  echo "keeps for every binary it distributes; with deb-src lines configured:"
  sort -u "$sources" | while read -r s v; do echo "  apt-get source $s=$v"; done
  echo "Debian's changes to the upstream source are part of those source packages."
} > "$dest/SOURCES.txt"
echo "nixusb-bootloaders: $(grep -c '^file\.' "$dest/index.properties") files from $(sort -u "$sources" | paste -sd ',' -)"
