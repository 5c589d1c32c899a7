#!/usr/bin/env bash
# encode-compare over every module of the kernel's debug package, not only the corpus's 42: the
# package's .ko files (4230 for 6.12) are extracted once into DIR (default /tmp/btfpost-wide), split
# into JOBS shards (default: the online CPUs) compared side by side, each against pahole 1.30 as
# encode-compare.mjs does. Prints each shard's differences and the total N/M equal.
# Usage: scripts/encode-compare-wide.sh [DIR]   (BTFPOST_CORPUS as for encode-compare.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
DEB=$(ls "$CORPUS"/debs/linux-image-*-dbg_*.deb | head -1)
DIR=${1:-/tmp/btfpost-wide}
JOBS=${JOBS:-$(nproc)}
if [ ! -f "$DIR/extracted" ]; then
  mkdir -p "$DIR/x"
  dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$DIR/x" --wildcards '*.ko'
  touch "$DIR/extracted"
fi
OUT=$(mktemp -d /tmp/btfpost-dist.XXXXXX)
npx tsc -p tsconfig.json --outDir "$OUT" >/dev/null || echo "tsc reported errors (continuing with what was emitted)" >&2
ln -s "$PWD/node_modules" "$OUT/node_modules"
# Shards: corpus-shaped directories of symlinks (dbg-modules/, an empty oot-build/, the base).
rm -rf "$DIR"/shard-*
i=0
find "$DIR/x" -name '*.ko' | sort | while read -r f; do
  s=$DIR/shard-$((i % JOBS)); i=$((i + 1))
  [ -d "$s/dbg-modules" ] || { mkdir -p "$s/dbg-modules" "$s/oot-build"; ln -s "$K/vmlinux.btf" "$s/vmlinux.btf"; }
  rel=${f#"$DIR"/x/usr/lib/debug/lib/modules/*/kernel/}
  ln -s "$f" "$s/dbg-modules/$(echo "$rel" | tr / _)"
done
for s in "$DIR"/shard-*; do
  BTFPOST_DIST="$OUT/" node scripts/encode-compare.mjs --corpus "$s" > "$s.out" 2>&1 &
done
wait
rm -rf "$OUT"
equal=0; total=0
for s in "$DIR"/shard-*.out; do
  grep -v ' equal types \|^$\| equal$' "$s" || true
  r=$(tail -1 "$s"); equal=$((equal + ${r%%/*})); t=${r#*/}; total=$((total + ${t%% *}))
done
echo "$equal/$total equal"
