#!/usr/bin/env bash
# Pins the Debian packages the tests download to the versions this machine's package lists offer now, with their
# SHA-256s, in nixusb-maven-plugin/src/test/fixture/test-inputs.lock. Usage: refresh-test-inputs.sh [PACKAGE ...]
# (no package: all of them; the kernel is re-resolved from linux-image-amd64). Run apt-get update first, review
# the diff, and commit the lock: the tests' expectations follow the pinned bytes.
set -euo pipefail
lock="$(cd "$(dirname "$0")/.." && pwd)/nixusb-maven-plugin/src/test/fixture/test-inputs.lock"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
want=("$@")
[ ${#want[@]} -eq 0 ] && mapfile -t want < <(awk '!/^#/ && NF >= 3 { print $1 }' "$lock")
for old in "${want[@]}"; do
  pkg=$old
  if [[ $old =~ ^linux-image-[0-9].*-amd64$ ]]; then
    pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
    [ -n "$pkg" ] || { echo "refresh: cannot resolve linux-image-amd64 (run apt-get update)" >&2; exit 1; }
  elif [[ $old =~ ^linux-image-[0-9].*-arm64:arm64$ ]]; then
    pkg=$(apt-cache depends linux-image-arm64:arm64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-arm64:arm64\)$/\1/p' \
      | head -n 1)
    [ -n "$pkg" ] || { echo "refresh: cannot resolve linux-image-arm64:arm64 (dpkg --add-architecture arm64," \
      "apt-get update)" >&2; exit 1; }
  fi
  version=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
  [ -n "$version" ] && [ "$version" != "(none)" ] || { echo "refresh: no candidate for $pkg" >&2; exit 1; }
  rm -f "$work"/*.deb
  (cd "$work" && apt-get download -qq "$pkg=$version" >/dev/null)
  sha=$(sha256sum "$work"/*.deb | cut -d' ' -f1)
  line=$(printf '%-27s %-31s %s' "$pkg" "$version" "$sha")
  if grep -q "^$old[[:space:]]" "$lock"; then
    awk -v o="$old" -v l="$line" '$1 == o { print l; next } { print }' "$lock" > "$work/lock" && cat "$work/lock" > "$lock"
  else
    echo "$line" >> "$lock"
  fi
  echo "refresh: $line"
done
