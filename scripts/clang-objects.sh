#!/usr/bin/env bash
# Kernel objects built by clang, for scripts/encode-compare-wide.sh: the corpus's Debian 6.12 kernel
# was built by gcc, whose DWARF every other comparison reads. This compiles the sources of the
# corpus's out-of-tree modules and the .c files of the given kernel source directories with
# $CLANG (default clang), using the command line kbuild ran for the corpus's tcp_bbr.o with gcc
# (the same headers, configuration and code model) minus the options only gcc knows, and lays them
# out as that script's DIR: DIR/x/NAME.ko (each object alone; and per source directory, and for
# the out-of-tree nf_conntrack, all of its objects linked with `ld -r`, as one module).
#   DWARF=4 or 5 (default 5): -gdwarf-N.
#   TAGS=1: also -DCONFIG_PAHOLE_HAS_BTF_TAG=1, as a clang-configured kernel has, so __user,
#   __rcu, __percpu and the like become btf_type_tag annotations (DW_TAG_LLVM_annotation) that
#   the type_tag feature encodes.
#   GZ=zlib or zstd: compressed debug sections (-gz=GZ, as CONFIG_DEBUG_INFO_COMPRESSED_*), also in
#   the linked modules.
# A file that does not compile this way (it needs a generated header, say) is left out and named.
# Usage: [CLANG=clang-19] [DWARF=5] [TAGS=1] [GZ=zstd] scripts/clang-objects.sh DIR [SOURCE_DIR...]
#   then: scripts/encode-compare-wide.sh --bytes DIR (or --distilled, or no flag for the graphs)
# SOURCE_DIR is relative to the corpus's kernel source (src/linux-source-6.12), e.g. fs/ext4.
set -euo pipefail
CORPUS=${BTFPOST_CORPUS:-/root/corpus}
K=$CORPUS/6.12.117+deb12-amd64
SRC=$CORPUS/src/linux-source-6.12
HDR=$K/kroot/usr/src/linux-headers-6.12.117+deb12-amd64
CLANG=${CLANG:-clang}
DIR=${1:?usage: scripts/clang-objects.sh DIR [SOURCE_DIR...]}; shift
mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd)
command -v "$CLANG" >/dev/null || { echo "no $CLANG (apt-get install clang)" >&2; exit 1; }
[ -d "$HDR" ] || { echo "no kernel headers at $HDR (build the corpus first)" >&2; exit 1; }
# gcc's command line for tcp_bbr.o, without the dependency file, the object's own names, the
# output and input, warnings, and the options clang 14-19 refuse (retpoline and return-thunk
# spellings, -mrecord-mcount, -fconserve-stack, ...); -g becomes -gdwarf-N below.
flags=$(sed -n 's/^savedcmd_[^ ]* := *//p' "$K/oot-build/tcpcong/.tcp_bbr.o.cmd" | sed 's/ ; .*//' | tr ' ' '\n' |
  grep -v -E '^-Wp,|^-(mfunction-return|fconserve-stack|mrecord-mcount|ftrivial-auto-var-init|mindirect-branch|mharden-sls|fno-allow-store-data-races|mskip-rax-setup|falign-jumps|falign-loops|mpreferred-stack-boundary|W)|^-g$|^-o$|^-c$|tcp_bbr|gcc' | tr '\n' ' ')
extra="-w -gdwarf-${DWARF:-5}"
[ "${TAGS:-0}" != 1 ] || extra+=" -DCONFIG_PAHOLE_HAS_BTF_TAG=1"
ldflags=()
[ -z "${GZ:-}" ] || { extra+=" -gz=$GZ"; ldflags=(--compress-debug-sections="$GZ"); }
mkdir -p "$DIR/x" "$DIR/obj"
# compile SOURCE MODNAME OUT: one object, from the headers' directory (the command line's relative -I).
compile() {
  local n; n=$(basename "$1" .c)
  # shellcheck disable=SC2086
  (cd "$HDR" && "$CLANG" $flags $extra -I"$(dirname "$1")" -DKBUILD_BASENAME="\"$n\"" -DKBUILD_MODNAME="\"$2\"" \
    -D__KBUILD_MODNAME="kmod_$2" -c -o "$3" "$1") 2>"$3.err" || { rm -f "$3"; echo "left out (does not compile): $1"; }
}
export -f compile; export HDR CLANG flags extra
# build GROUP MODNAME SOURCES...: each source into obj/GROUP/, then into x/ alone and all linked.
build() {
  local g=$1 m=$2; shift 2
  mkdir -p "$DIR/obj/$g"
  printf '%s\n' "$@" | xargs -P "$(nproc)" -I{} bash -c 'compile "$1" "$2" "$3/$(basename "$1" .c).o"' _ {} "$m" "$DIR/obj/$g"
  local objs=("$DIR/obj/$g"/*.o)
  [ -e "${objs[0]}" ] || return 0
  for o in "${objs[@]}"; do cp "$o" "$DIR/x/$g-$(basename "$o" .o).ko"; done
  if [ "${#objs[@]}" -gt 1 ]; then ld -r "${ldflags[@]}" -o "$DIR/x/$g.all.ko" "${objs[@]}" 2>/dev/null || echo "$g: its objects do not link as one module; compared one by one"; fi
  echo "$g: ${#objs[@]} of $# sources"
}
# The out-of-tree modules: each module's objects as kbuild listed them (MODULE.mod), from their sources.
for mod in "$K"/oot-build/*/*.mod; do
  m=$(basename "$mod" .mod)
  mapfile -t srcs < <(sed 's/\.o$/.c/' "$mod")
  build "oot-$m" "$m" "${srcs[@]}"
done
for s in "$@"; do
  [ -d "$SRC/$s" ] || { echo "no $SRC/$s" >&2; exit 1; }
  build "$(echo "$s" | tr / _)" "$(basename "$s")" "$SRC/$s"/*.c
done
touch "$DIR/extracted"
echo "$(find "$DIR/x" -name '*.ko' | wc -l) objects in $DIR/x ($("$CLANG" --version | head -1))"
