#!/usr/bin/env bash
# Refreshes the pinned SBAT revocation levels from a checkout of shim: every SbatLevel payload in its
# SbatLevel_Variable.txt (an "sbat,1,DATE" line and the component,generation lines after it), oldest first, each
# under a "level NAME" line. A level the current file already names keeps its name; a new one is named by its date.
#   bash scripts/refresh-sbat-levels.sh /path/to/shim [OUT]
set -euo pipefail
shim=${1:?usage: refresh-sbat-levels.sh SHIM_CHECKOUT [OUT]}
out=${2:-$(dirname "$0")/../nixusb-maven-plugin/src/main/resources/org/nixusb/secureboot/sbat-levels.txt}
src=$(mktemp); trap 'rm -f "$src"' EXIT
if [ -f "$shim/SbatLevel_Variable.txt" ]; then
  cp "$shim/SbatLevel_Variable.txt" "$src"
elif ! git -C "$shim" show HEAD:SbatLevel_Variable.txt > "$src" 2>/dev/null; then
  echo "refresh-sbat-levels: no SbatLevel_Variable.txt in $shim (a checkout or a bare clone of shim)" >&2; exit 1
fi
commit=$(git -C "$shim" log -1 --format='%h (%cs)' 2>/dev/null || echo "unknown commit")
tmp=$(mktemp)
{
  sed -n '1,/^# source:/{/^# source:/d;p}' "$out"
  echo "# source: shim $commit"
  # payloads: an sbat,1,DATE line, then component,generation lines up to a line that is neither
  awk -v names="$out" '
    BEGIN {
      while ((getline line < names) > 0) {
        if (line ~ /^level /) { name = substr(line, 7) }
        else if (line ~ /^sbat,1,[0-9]+$/ && name != "") { split(line, f, ","); known[f[3] "|" payloadof[name]] = name; byhead[line] = byhead[line] "\n" name; last = name; head[name] = line; body[name] = "" }
        else if (line ~ /^[A-Za-z0-9._-]+,[0-9]+$/ && last != "") { body[last] = body[last] line "\n" }
        else if (line == "") { last = "" }
      }
      for (n in head) { byfull[head[n] "\n" body[n]] = n }
    }
    function flush() {
      if (cur == "") return
      key = cur "\n" rest
      if (!(key in seen)) {
        seen[key] = 1
        split(cur, f, ",")
        nm = (key in byfull) ? byfull[key] : f[3]
        printf "\nlevel %s\n%s\n%s", nm, cur, rest
      }
      cur = ""; rest = ""
    }
    /^sbat,1,[0-9]+$/ { flush(); cur = $0; next }
    /^[A-Za-z0-9._-]+,[0-9]+$/ { if (cur != "") { rest = rest $0 "\n" }; next }
    { flush() }
    END { flush() }
  ' "$src"
} > "$tmp"
mv "$tmp" "$out"
echo "refresh-sbat-levels: $(grep -c '^level ' "$out") levels in $out"
