#!/usr/bin/env bash
# Walks every DIE of the corpus' unstripped modules and vmlinux with the built reader, and checks DIE counts against readelf for a few.
#
# Usage: scripts/dwarf-walk.sh [--no-build] [--attrs] [--readelf-all]
#   BTFPOST_CORPUS   corpus directory (default /root/corpus/6.12.117+deb12-amd64)
#   --attrs          also decode name/type/byte_size of every DIE (closer to what an encoder does)
#   --readelf-all    compare every module and vmlinux with readelf, not only the handful below (slow)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${BTFPOST_CORPUS:-/root/corpus/6.12.117+deb12-amd64}
build=1
attrs=()
readelf_all=0
for a in "$@"; do
  case $a in
    --no-build) build=0 ;;
    --attrs) attrs=(--attrs) ;;
    --readelf-all) readelf_all=1 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
[ -d "$corpus/dbg-modules" ] || { echo "no corpus at $corpus" >&2; exit 1; }
[ "$build" = 1 ] && npx tsc -p tsconfig.json

out=$(mktemp)
trap 'rm -f "$out"' EXIT
mapfile -t mods < <(find "$corpus/dbg-modules" -name '*.ko' | sort)
echo "== ${#mods[@]} modules"
node scripts/dwarf-walk.mjs "${attrs[@]}" "${mods[@]}" > "$out"
node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  let dies = 0, units = 0, ms = 0;
  for (const r of lines) {
    dies += r.dies; units += r.units; ms += r.openMs + r.walkMs;
    console.log(`${r.file.split("/").pop().padEnd(22)} units ${String(r.units).padStart(4)} dies ${String(r.dies).padStart(9)} nulls ${String(r.nulls).padStart(8)} open ${String(r.openMs).padStart(5)} ms walk ${String(r.walkMs).padStart(5)} ms rss ${r.rssMB} MB`);
  }
  console.log(`total: ${lines.length} modules, ${units} units, ${dies} DIEs, ${ms} ms open+walk`);
' < "$out"

if [ -f "$corpus/vmlinux-dwarf" ]; then
  echo "== vmlinux-dwarf"
  /usr/bin/time -f 'process: %e s wall, %M KB max RSS' node scripts/dwarf-walk.mjs --tags "${attrs[@]}" "$corpus/vmlinux-dwarf" | tee -a "$out"
fi

# readelf prints one " <depth><offset>:" line per DIE and per null entry.
check=(drivers/net/dummy.ko net/ipv4/tcp_bbr.ko drivers/block/loop.ko fs/nls/nls_utf8.ko net/netfilter/nf_conntrack.ko fs/btrfs/btrfs.ko)
[ "$readelf_all" = 1 ] && mapfile -t check < <(cd "$corpus/dbg-modules" && find . -name '*.ko' | sed 's|^\./||' | sort)
echo "== DIE + null entry counts against readelf"
fail=0
compare() {
  local file=$1
  local ours theirs
  ours=$(grep -F "\"file\":\"$file\"" "$out" | head -1 | node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(r.entries)')
  theirs=$(readelf --debug-dump=info "$file" 2>/dev/null | grep -c '^ <' || true)
  if [ "$ours" = "$theirs" ]; then echo "ok   $(basename "$file"): $ours"; else echo "DIFF $(basename "$file"): ours $ours, readelf $theirs"; fail=1; fi
}
for m in "${check[@]}"; do compare "$corpus/dbg-modules/$m"; done
if [ "$readelf_all" = 1 ] && [ -f "$corpus/vmlinux-dwarf" ]; then compare "$corpus/vmlinux-dwarf"; fi
exit $fail
