#!/usr/bin/env bash
# qemu-accept.sh -- kernel acceptance of btfpost's distilled-base modules under QEMU.
#
# Makes btfpost-distilled copies of the corpus's plain split-BTF modules ($C/oot-build, built
# against bookworm's 6.12.117+deb12 by pahole 1.24 + resolve_btfids): `btfpost distill` writes
# .BTF (new split BTF) and .BTF.base (distilled base), then .BTF_ids is re-resolved in the
# distilled numbering (bin/btfpost-resolve_btfids, falling back to the reference resolve_btfids).
# Then boots Debian kernels under qemu-system-x86_64 (TCG) with the shared kernel-accept harness,
# which insmod -f's each module and checks /sys/kernel/btf/<m> (present, dumps with bpftool on
# the guest's vmlinux BTF, same as libbpf's host view, semantically the build-time view), for the
# btfpost-distilled modules and for the plain ones, and prints a per kernel x variant summary.
#
# Usage: scripts/qemu-accept.sh [-h] [check|fetch|prep|boot|summary|all]...   (default: all)
#   check    are the harness, QEMU, the corpus and the selected kernels there?  (exit 4 if not)
#   fetch    download + unpack the selected trixie kernels (harness's run-cases.sh fetch; goes
#            to Debian's archive through the harness's private apt config)
#   prep     distill + re-resolve .BTF_ids into $QEMU_OUT/modules/btfpost, compare with the
#            corpus's reference distilled modules ($QEMU_OUT/prep.tsv)
#   boot     run the harness for every case ($QEMU_OUT/runs/<case>/{table.txt,results.tsv,...})
#   summary  per case counts ($QEMU_OUT/summary.tsv, summary.txt) and a per-module matrix
#   all      fetch (unless QEMU_FETCH=0), prep, boot, summary
#
# Environment (defaults in brackets):
#   BTFPOST_CORPUS | CORPUS  corpus root [/root/corpus]; modules from $CORPUS/6.12.117+deb12-amd64
#   QEMU_HARNESS   kernel-accept.sh [<repo>/../shared/qemu/kernel-accept.sh]; never copied here
#   QEMU_RUN_CASES run-cases.sh, for `fetch` [next to QEMU_HARNESS]
#   QEMU_OUT       work/output directory [${TMPDIR:-/tmp}/btfpost-qemu-accept]
#   QEMU_KERNELS   kernels [bookworm trixie-sec trixie]: bookworm = 6.12.117+deb12-amd64 (the
#                  build kernel, from the corpus's pkg-image), trixie-sec = 6.12.117+deb13-amd64,
#                  trixie = 6.12.107+deb13-amd64; or any <kver> unpacked under $KERNELS
#   QEMU_VARIANTS  [btfpost plain]; btfpost = our distilled modules, plain = $C/oot-build (with
#                  KA_REF_BASE=$C/vmlinux.btf), ref = $C/oot-build-distilled (pahole 1.30),
#                  postlink = the whole btfpost job (--distilled-base) run on each .pre-btf.ko,
#                  kbuild = modules in QEMU_KBUILD_DIR/<set>/<m>.ko (e.g. scripts/kbuild-build.sh's
#                  out/b-snip: make M= through kbuild-snippets/btfpost.mk with BTF_BASE_REF=1)
#   QEMU_CASES     explicit "kernel:variant ..." list (overrides QEMU_KERNELS x QEMU_VARIANTS)
#   QEMU_MODULES   module file names to use (e.g. "dummy tcp_bbr nls_cp437") [all]
#   QEMU_ALL=1     include test_bpf (41-100+ s of JIT self-tests at load; KA_TIMEOUT then 600) [0]
#   QEMU_RESOLVE   auto | btfpost | reference  (.BTF_ids resolver) [auto: btfpost, else reference]
#   QEMU_UNRESOLVE 0 = re-resolve the shipped .BTF_ids as it is, without first putting it back as
#                  compiled (scrambles BTF_SET8 flags; shown for comparison) [1]
#   QEMU_FETCH     0 = `all` does not download kernels [1]
#   QEMU_LABEL     prefix of the harness's run labels [btfpost-qa]
#   KA_WORK, KERNELS, KA_* are passed to the harness / run-cases.sh (see its README).
# Exit: 0 done (the verdicts are in the summary; see QEMU_STRICT), 2 usage/setup error,
#       4 prerequisites missing (`check`), 5 with QEMU_STRICT=1: a distilled variant lacks BTF or is
#       not sem=same somewhere, or a plain module's BTF is "present and same" off its build kernel.
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$REPO/scripts
CORPUS=${BTFPOST_CORPUS:-${CORPUS:-/root/corpus}}
BUILD_KVER=6.12.117+deb12-amd64
C=$CORPUS/$BUILD_KVER
QEMU_HARNESS=${QEMU_HARNESS:-$REPO/../shared/qemu/kernel-accept.sh}
QEMU_RUN_CASES=${QEMU_RUN_CASES:-$(dirname "$QEMU_HARNESS")/run-cases.sh}
QEMU_OUT=${QEMU_OUT:-${TMPDIR:-/tmp}/btfpost-qemu-accept}
QEMU_KERNELS=${QEMU_KERNELS:-bookworm trixie-sec trixie}
QEMU_VARIANTS=${QEMU_VARIANTS:-btfpost plain}
QEMU_CASES=${QEMU_CASES:-}
QEMU_MODULES=${QEMU_MODULES:-}
QEMU_ALL=${QEMU_ALL:-0}
QEMU_RESOLVE=${QEMU_RESOLVE:-auto}
QEMU_FETCH=${QEMU_FETCH:-1}
QEMU_LABEL=${QEMU_LABEL:-btfpost-qa}
QEMU_STRICT=${QEMU_STRICT:-0}
export KA_WORK=${KA_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/kernel-accept}
export KERNELS=${KERNELS:-${XDG_CACHE_HOME:-$HOME/.cache}/kernel-accept/kernels}
REF_RESOLVE=$CORPUS/tools/resolve_btfids-6.12.117/resolve_btfids
if [ -z "${KA_BPFTOOL:-}" ] && [ -x "$CORPUS/tools/bin/bpftool-7.5" ]; then export KA_BPFTOOL=$CORPUS/tools/bin/bpftool-7.5; fi
BTFPOST=(node "$REPO/bin/btfpost")
OUR_RESOLVE=(node "$REPO/bin/btfpost-resolve_btfids")

log() { printf '[qemu-accept] %s\n' "$*" >&2; }
die() { printf '[qemu-accept] ERROR: %s\n' "$*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

# ---------------------------------------------------------------- kernels
kver_of() {  # alias|kver -> kver
  case $1 in
    bookworm) echo "$BUILD_KVER" ;;
    trixie-sec|trixie-security) echo 6.12.117+deb13-amd64 ;;
    trixie) echo 6.12.107+deb13-amd64 ;;
    *) echo "$1" ;;
  esac
}
image_of() {  # kver -> bzImage path (empty if absent)
  local kv=$1
  if [ "$kv" = "$BUILD_KVER" ]; then
    [ -f "$C/pkg-image/boot/vmlinuz-$kv" ] && echo "$C/pkg-image/boot/vmlinuz-$kv"
    return 0
  fi
  [ -d "$KERNELS/$kv" ] || return 0
  find "$KERNELS/$kv" \( -name "vmlinuz-$kv" -o -path "*/modules/$kv/vmlinuz" \) 2>/dev/null | head -1
}

# cases: "kernel:variant" words
CASES=()
if [ -n "$QEMU_CASES" ]; then
  read -r -a CASES <<<"$QEMU_CASES"
else
  for k in $QEMU_KERNELS; do for v in $QEMU_VARIANTS; do CASES+=("$k:$v"); done; done
fi
for c in "${CASES[@]}"; do
  case ${c#*:} in btfpost|plain|ref|postlink|kbuild) ;; *) die "unknown variant in case '$c' (btfpost|plain|ref|postlink|kbuild)" ;; esac
  [[ $c == *:* ]] || die "case '$c' is not kernel:variant"
done
case_kernels() { for c in "${CASES[@]}"; do kver_of "${c%%:*}"; done | awk '!seen[$0]++'; }

# ---------------------------------------------------------------- modules
# "set/file" (file without .ko) of the selected modules, from $C/oot-build
select_modules() {
  local ko rel f want
  while IFS= read -r ko; do
    rel=${ko#"$C/oot-build/"}; f=${rel##*/}; f=${f%.ko}
    if [ -n "$QEMU_MODULES" ]; then
      want=0
      for w in $QEMU_MODULES; do [ "${w//-/_}" = "${f//-/_}" ] && want=1; done
      [ $want = 1 ] || continue
    elif [ "$f" = test_bpf ] && [ "$QEMU_ALL" != 1 ]; then
      continue
    fi
    echo "${rel%.ko}"
  done < <(find "$C/oot-build" -name '*.ko' ! -name '*.pre-btf.ko' | sort)
}

# ---------------------------------------------------------------- steps
step_check() {  # prints what is missing; returns 4 if anything is
  local miss=() kv img
  [ -f "$QEMU_HARNESS" ] || miss+=("harness: $QEMU_HARNESS not found (set QEMU_HARNESS)")
  command -v "${KA_QEMU:-qemu-system-x86_64}" >/dev/null 2>&1 || miss+=("QEMU: ${KA_QEMU:-qemu-system-x86_64} not installed (apt-get install qemu-system-x86)")
  [ -d "$C/oot-build" ] && [ -s "$C/vmlinux.btf" ] || miss+=("corpus: $C/oot-build or $C/vmlinux.btf missing (set BTFPOST_CORPUS)")
  [ -f "$REPO/dist/cli/main.js" ] || miss+=("dist/ not built (npx tsc -p tsconfig.json)")
  command -v python3 >/dev/null 2>&1 || miss+=("python3 (used by the harness's sem check)")
  while IFS= read -r kv; do
    img=$(image_of "$kv")
    [ -n "$img" ] || miss+=("kernel $kv not found under ${KERNELS} (scripts/qemu-accept.sh fetch)")
  done < <(case_kernels)
  if [ ${#miss[@]} -gt 0 ]; then
    printf 'missing: %s\n' "${miss[@]}"
    return 4
  fi
  echo "ok: harness $QEMU_HARNESS; $(command -v "${KA_QEMU:-qemu-system-x86_64}"); kernels $(case_kernels | tr '\n' ' ')"
}

step_fetch() {
  local kv
  [ -f "$QEMU_RUN_CASES" ] || die "run-cases.sh not found: $QEMU_RUN_CASES (set QEMU_RUN_CASES)"
  while IFS= read -r kv; do
    [ "$kv" = "$BUILD_KVER" ] && continue
    [ -n "$(image_of "$kv")" ] && continue
    log "fetching kernel $kv (run-cases.sh fetch)"
    # run-cases.sh fetches TRIXIE_KVER, TRIXIE_SEC_KVER and NEW_KVER: all set to the one wanted
    CORPUS=$CORPUS TRIXIE_KVER=$kv TRIXIE_SEC_KVER=$kv NEW_KVER=$kv bash "$QEMU_RUN_CASES" fetch >&2 ||
      die "fetching $kv failed"
    [ -n "$(image_of "$kv")" ] || die "kernel $kv fetched, but no vmlinuz-$kv under $KERNELS/$kv"
  done < <(case_kernels)
}

has_section() { objdump -h "$1" 2>/dev/null | grep -c " ${2//./\\.} " >/dev/null; }  # (no grep -q: SIGPIPE + pipefail)

# resolve .BTF_ids of a distilled module OUT in place; echo the resolver used
resolve_ids() {  # OUT.ko NAME
  local out=$1 f=$2 rc=1
  if [ "$QEMU_RESOLVE" != reference ] && [ -f "$REPO/dist/cli/resolve-ids.js" ]; then
    "${OUR_RESOLVE[@]}" "$out" >/dev/null 2>"$QEMU_OUT/logs/resolve-$f.err" && rc=0 || rc=$?
    if [ $rc = 0 ]; then echo btfpost; return 0; fi
    log "btfpost-resolve_btfids failed on $f (rc=$rc): $(head -1 "$QEMU_OUT/logs/resolve-$f.err")"
  fi
  [ "$QEMU_RESOLVE" != btfpost ] || die "btfpost-resolve_btfids failed on $f (QEMU_RESOLVE=btfpost)"
  [ -x "$REF_RESOLVE" ] || die "no working resolver for $f (reference $REF_RESOLVE missing)"
  "$REF_RESOLVE" "$out" >&2 || die "reference resolve_btfids failed on $f"
  echo reference
}

# put an as-compiled .BTF_ids blob into OUT
patch_ids() {  # OUT.ko BLOB NAME
  if [ -f "$REPO/dist/cli/resolve-ids.js" ] &&
     "${OUR_RESOLVE[@]}" --patch_btfids "$2" "$1" >/dev/null 2>"$QEMU_OUT/logs/patch-$3.err"; then
    return 0
  fi
  objcopy --update-section ".BTF_ids=$2" "$1" || die "cannot patch .BTF_ids of $1"
}

step_prep() {
  local t0 rel f plain out refres resolver n=0 nids=0 blob un pre unres_vs_pre
  t0=$(now)
  [ -f "$REPO/dist/cli/main.js" ] || die "dist/ not built: cd $REPO && npx tsc -p tsconfig.json"
  [ -s "$C/vmlinux.btf" ] || die "corpus not found: $C"
  rm -rf "$QEMU_OUT/modules/btfpost" "$QEMU_OUT/modules/refresolved" "$QEMU_OUT/logs"
  mkdir -p "$QEMU_OUT/modules/btfpost" "$QEMU_OUT/modules/refresolved" "$QEMU_OUT/logs"
  : > "$QEMU_OUT/prep-list.txt"; : > "$QEMU_OUT/resolver.tsv"
  while IFS= read -r rel; do
    f=${rel##*/}
    plain=$C/oot-build/$rel.ko
    out=$QEMU_OUT/modules/btfpost/$rel.ko
    mkdir -p "$(dirname "$out")"
    "${BTFPOST[@]}" distill "$plain" -B "$C/vmlinux.btf" --ko-out "$out" >/dev/null ||
      die "btfpost distill failed for $plain"
    resolver=- refres=- un=- unres_vs_pre=-
    if has_section "$out" .BTF_ids; then
      nids=$((nids + 1))
      # The shipped .BTF_ids holds old-numbering ids with every BTF_SET8 sorted by them; put it back
      # as compiled (flags at their symbols' slots) before resolving in the distilled numbering.
      if [ "${QEMU_UNRESOLVE:-1}" = 1 ]; then
        blob=$QEMU_OUT/logs/$f.BTF_ids.unresolved
        un=$(node "$HERE/lib/qemu-unresolve.mjs" "$plain" "$C/vmlinux.btf" "$blob") ||
          die "unresolving .BTF_ids of $plain failed"
        un=${un#* }   # unmatched set8 pairs
        pre=$C/oot-build/$rel.pre-btf.ko
        if [ -f "$pre" ] && objcopy --dump-section ".BTF_ids=$blob.pre" "$pre" "$QEMU_OUT/logs/junk.o" 2>/dev/null; then
          if cmp -s "$blob" "$blob.pre"; then unres_vs_pre=same; else unres_vs_pre='diff'; fi
        fi
        patch_ids "$out" "$blob" "$f"
      fi
      # cross-check: the reference resolve_btfids on the same input
      if [ -x "$REF_RESOLVE" ]; then
        refres=$QEMU_OUT/modules/refresolved/$rel.ko
        mkdir -p "$(dirname "$refres")"; cp "$out" "$refres"
        "$REF_RESOLVE" "$refres" >/dev/null 2>"$QEMU_OUT/logs/refres-$f.err" ||
          { log "reference resolve_btfids failed on $rel: $(head -1 "$QEMU_OUT/logs/refres-$f.err")"; refres=-; }
      fi
      resolver=$(resolve_ids "$out" "$f")
    fi
    printf '%s\t%s\t%s\t%s\n' "$f" "$resolver" "$un" "$unres_vs_pre" >> "$QEMU_OUT/resolver.tsv"
    echo "$f $out $C/oot-build-distilled/$rel.ko $refres" >> "$QEMU_OUT/prep-list.txt"
    n=$((n + 1))
  done < <(select_modules)
  rm -f "$QEMU_OUT/logs/junk.o"
  [ $n -gt 0 ] || die "no modules selected (QEMU_MODULES=$QEMU_MODULES)"
  # postlink variant: the whole job (encode from DWARF, distill, .BTF_ids) run on each .pre-btf.ko
  rm -rf "$QEMU_OUT/modules/postlink"
  while IFS= read -r rel; do
    out=$QEMU_OUT/modules/postlink/$rel.ko
    mkdir -p "$(dirname "$out")"
    "${BTFPOST[@]}" "$C/oot-build-distilled/$rel.pre-btf.ko" -B "$C/vmlinux.btf" --distilled-base -o "$out" 2>>"$QEMU_OUT/logs/postlink.err" ||
      die "btfpost post-link job failed for $rel"
  done < <(select_modules)
  {
    printf 'module\tresolver\tunmatched\tunresolved_vs_pre-btf\tbtf_ids\tids_bytes_vs_ref\tids_sem_vs_ref\tids_vs_ref_resolver\tBTF_vs_ref\tBTF.base_vs_ref\n'
    paste <(cat "$QEMU_OUT/resolver.tsv") \
          <(node "$HERE/lib/qemu-compare.mjs" < "$QEMU_OUT/prep-list.txt" | cut -f2-)
  } > "$QEMU_OUT/prep.tsv"
  {
    echo "# prep: $n modules distilled by btfpost ($nids with .BTF_ids re-resolved) in $(since "$t0")s"
    echo "# ref = $C/oot-build-distilled (pahole 1.30 distilled_base + resolve_btfids 6.12)"
    echo "# unmatched / unresolved_vs_pre-btf: set8 pairs whose flags could not be put back; the as-compiled"
    echo "#   .BTF_ids recovered from the shipped module vs the one in its .pre-btf.ko"
    echo "# ids_sem_vs_ref: each slot names the same kind+name (sets compared sorted, with flags)"
    echo "# ids_vs_ref_resolver: our .BTF_ids vs the reference resolve_btfids on the same input"
    awk -F'\t' -v OFS='\t' '{ if (length($7) > 60) $7 = substr($7, 1, 57) "..."; print }' "$QEMU_OUT/prep.tsv" | column -t -s $'\t'
    awk -F'\t' 'NR>1 && $5!="-" {n++; if($6=="same")b++; if($7=="same")s++; if($8=="same")r++}
      NR>1 {m++; if($9=="same")x++; if($10=="same")y++}
      END {printf "# .BTF_ids: %d modules; byte-identical to ref %d, same types+flags per slot as ref %d, identical to the reference resolver %d\n# .BTF identical to ref: %d/%d; .BTF.base identical to ref: %d/%d\n", n, b, s, r, x, m, y, m}' "$QEMU_OUT/prep.tsv"
  } | tee "$QEMU_OUT/prep.txt"
}

variant_dir() {
  case $1 in
    btfpost) echo "$QEMU_OUT/modules/btfpost" ;;
    plain) echo "$C/oot-build" ;;
    ref) echo "$C/oot-build-distilled" ;;
    postlink) echo "$QEMU_OUT/modules/postlink" ;;
    kbuild) echo "${QEMU_KBUILD_DIR:?kbuild variant: set QEMU_KBUILD_DIR to modules built by scripts/kbuild-build.sh}" ;;
  esac
}

step_boot() {
  local c k v kv img dir files rel label rc t0 t1 rd
  [ -f "$QEMU_HARNESS" ] || die "harness not found: $QEMU_HARNESS (set QEMU_HARNESS)"
  mapfile -t MODS < <(select_modules)
  [ ${#MODS[@]} -gt 0 ] || die "no modules selected"
  # test_bpf runs its JIT self-tests at load: 41 s to 100+ s of TCG on a busy 2-core host
  if printf '%s\n' "${MODS[@]}" | grep -c '/test_bpf$' >/dev/null; then export KA_TIMEOUT=${KA_TIMEOUT:-600}; fi
  mkdir -p "$QEMU_OUT/runs"
  : > "$QEMU_OUT/cases.tsv"
  for c in "${CASES[@]}"; do
    k=${c%%:*} v=${c#*:}
    kv=$(kver_of "$k"); img=$(image_of "$kv")
    [ -n "$img" ] || die "kernel $kv not found (run: scripts/qemu-accept.sh fetch)"
    dir=$(variant_dir "$v")
    files=()
    for rel in "${MODS[@]}"; do
      [ -f "$dir/$rel.ko" ] || die "$dir/$rel.ko missing (run the prep step first)"
      files+=("$dir/$rel.ko")
    done
    label=$QEMU_LABEL-$kv-$v
    rd=$QEMU_OUT/runs/$kv-$v
    rm -rf "$rd"; mkdir -p "$rd"
    log "=== $kv ($k) x $v: ${#files[@]} modules, harness label $label"
    t0=$(now); rc=0
    if [ "$v" = plain ]; then
      KA_LABEL=$label KA_REF_BASE=$C/vmlinux.btf CORPUS=$CORPUS "$QEMU_HARNESS" "$img" auto "${files[@]}" \
        > "$rd/table.txt" 2> "$rd/harness.stderr" || rc=$?
    else
      KA_LABEL=$label CORPUS=$CORPUS "$QEMU_HARNESS" "$img" auto "${files[@]}" \
        > "$rd/table.txt" 2> "$rd/harness.stderr" || rc=$?
    fi
    t1=$(since "$t0")
    cat "$rd/table.txt" >&2
    grep -a 'qemu rc=' "$rd/harness.stderr" >&2 || tail -3 "$rd/harness.stderr" >&2
    log "=== $kv x $v: harness exit $rc, ${t1}s"
    local src=$KA_WORK/runs/$label
    for f in results.tsv accept.txt klog.txt deps.txt console.txt qemu-cmd.txt; do
      if [ -f "$src/$f" ]; then cp "$src/$f" "$rd/"; fi
    done
    mkdir -p "$rd/sem"
    cp "$src"/btf/*.sem.diff "$rd/sem/" 2>/dev/null || true
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$kv-$v" "$kv" "$v" "$rc" "$t1" "$rd" >> "$QEMU_OUT/cases.tsv"
  done
}

step_summary() {
  [ -s "$QEMU_OUT/cases.tsv" ] || die "no runs in $QEMU_OUT (run the boot step first)"
  node "$HERE/lib/qemu-summary.mjs" "$QEMU_OUT" "$BUILD_KVER" | tee "$QEMU_OUT/summary.txt"
}

# ---------------------------------------------------------------- main
while getopts h _; do usage; done
shift $((OPTIND - 1))
steps=("$@"); [ ${#steps[@]} -gt 0 ] || steps=(all)
mkdir -p "$QEMU_OUT"
T0=$(now)
for s in "${steps[@]}"; do
  case $s in
    check) step_check || exit $? ;;
    fetch) step_fetch ;;
    prep) step_prep ;;
    boot) step_boot ;;
    summary) step_summary ;;
    all)
      [ "$QEMU_FETCH" = 0 ] || step_fetch
      step_check >&2 || exit $?
      step_prep; step_boot; step_summary ;;
    *) usage ;;
  esac
done
log "done in $(since "$T0")s; output in $QEMU_OUT"
if [ "$QEMU_STRICT" = 1 ] && [ -s "$QEMU_OUT/summary.tsv" ] &&
   grep -q 'verdict=FAIL' "$QEMU_OUT/summary.verdict" 2>/dev/null; then
  exit 5
fi
exit 0
