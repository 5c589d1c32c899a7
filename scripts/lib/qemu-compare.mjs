// Helper of scripts/qemu-accept.sh: compares btfpost-distilled modules with the corpus's
// reference distilled modules (pahole 1.30 distilled_base + resolve_btfids 6.12).
//
// stdin: lines "NAME OURS.ko REF.ko [REFRESOLVED.ko]" (REFRESOLVED: our distilled module with its
// .BTF_ids resolved by the reference resolve_btfids, or "-").
// stdout: TSV, one row per module, columns
//   module  btf_ids  ids_bytes  ids_sem  ids_vs_refres  btf  btf_base
// where
//   btf_ids        size of .BTF_ids, or "-" when the module has none
//   ids_bytes      .BTF_ids byte-identical to REF's ("same" / "diff")
//   ids_sem        every .BTF_ids slot names the same type (kind + name) in each module's own
//                  numbering (.BTF over .BTF.base); BTF_SET/BTF_SET8 bodies compared as sorted
//                  lists, since resolve_btfids sorts them by id ("same" / "diff:<first slot>")
//   ids_vs_refres  .BTF_ids byte-identical to REFRESOLVED's ("same" / "diff" / "-")
//   btf, btf_base  "same" or "diff(<ours>/<ref> B)"
import { readFileSync } from 'node:fs';
import { parseElf } from '../../dist/elf/index.js';
import { btfFromBytes } from '../../dist/btf/load.js';
import { kindName } from '../../dist/btf/index.js';

const same = (a, b) => a && b && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

function load(path) {
  const bytes = readFileSync(path);
  const elf = parseElf(bytes, path);
  const sec = (n) => {
    const s = elf.sectionByName(n);
    return s ? elf.sectionData(s) : null;
  };
  const ids = sec('.BTF_ids');
  const { btf } = btfFromBytes(bytes, path); // split over its own .BTF.base, build-time numbering
  const syms = [];
  const st = elf.symbols();
  const idsSec = elf.sectionByName('.BTF_ids');
  if (st && idsSec) {
    for (let i = 0; i < st.count; i++) {
      const s = st.get(i);
      if (s.shndx === idsSec.index && s.name.startsWith('__BTF_ID__')) syms.push({ name: s.name, value: Number(s.value) });
    }
  }
  return { path, ids, btf, btfRaw: sec('.BTF'), base: sec('.BTF.base'), syms };
}

function sig(btf, id) {
  if (id === 0) return 'void';
  try {
    const n = btf.name(id);
    return `${kindName(btf.kind(id))}:${n || '(anon)'}`;
  } catch {
    return `BAD#${id}`;
  }
}

/** Canonical, numbering-independent view of .BTF_ids: one string per slot or set. */
function canon(m) {
  if (!m.ids) return [];
  const dv = new DataView(m.ids.buffer, m.ids.byteOffset, m.ids.byteLength);
  const u32 = (off) => (off + 4 <= m.ids.byteLength ? dv.getUint32(off, true) : 0);
  const out = new Map(); // offset -> string
  const covered = new Set();
  for (const s of m.syms) {
    const mset = /^__BTF_ID__(set8?)__(.*)$/.exec(s.name);
    if (!mset) continue;
    const off = s.value;
    const cnt = u32(off);
    const body = [];
    if (mset[1] === 'set') {
      for (let i = 0; i < cnt; i++) body.push(sig(m.btf, u32(off + 4 + 4 * i)));
      for (let o = off; o < off + 4 + 4 * cnt; o += 4) covered.add(o);
    } else {
      for (let i = 0; i < cnt; i++) body.push(`${sig(m.btf, u32(off + 8 + 8 * i))}/flags=${u32(off + 12 + 8 * i)}`);
      for (let o = off; o < off + 8 + 8 * cnt; o += 4) covered.add(o);
    }
    body.sort();
    out.set(off, `${mset[1]} ${mset[2]} cnt=${cnt} hdr=${mset[1] === 'set8' ? u32(off + 4) : '-'} [${body.join(', ')}]`);
  }
  const idAt = new Set(m.syms.filter((s) => !/^__BTF_ID__set8?__/.test(s.name)).map((s) => s.value));
  for (let o = 0; o + 4 <= m.ids.byteLength; o += 4) {
    if (covered.has(o)) continue;
    out.set(o, idAt.has(o) ? `id ${sig(m.btf, u32(o))}` : `raw ${u32(o)}`);
  }
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([o, s]) => `@${o} ${s}`);
}

const sizeDiff = (a, b) => (same(a, b) ? 'same' : `diff(${a ? a.length : 0}/${b ? b.length : 0} B)`);

for (const line of readFileSync(0, 'latin1').split('\n')) {
  if (!line.trim()) continue;
  const [name, oursPath, refPath, refresPath] = line.trim().split(/\s+/);
  let row;
  try {
    const ours = load(oursPath);
    const ref = load(refPath);
    let idsBytes = '-', idsSem = '-', vsRefres = '-';
    if (ours.ids || ref.ids) {
      idsBytes = same(ours.ids, ref.ids) ? 'same' : 'diff';
      const a = canon(ours), b = canon(ref);
      const k = a.findIndex((x, i) => x !== b[i]);
      idsSem = a.length === b.length && k < 0 ? 'same' : `diff:${k < 0 ? 'length' : a[k]} vs ${b[k] ?? '-'}`;
      if (refresPath && refresPath !== '-') {
        const rr = parseElf(readFileSync(refresPath), refresPath);
        const s = rr.sectionByName('.BTF_ids');
        vsRefres = same(ours.ids, s ? rr.sectionData(s) : null) ? 'same' : 'diff';
      }
    }
    row = [name, ours.ids ? String(ours.ids.length) : '-', idsBytes, idsSem, vsRefres,
      sizeDiff(ours.btfRaw, ref.btfRaw), sizeDiff(ours.base, ref.base)];
  } catch (e) {
    row = [name, 'error', String(e.message ?? e).replace(/\s+/g, ' '), '-', '-', '-', '-'];
  }
  console.log(row.join('\t'));
}
