import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixture, ROOT } from '../helpers/testdata.js';

const FEATURES = 'encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs';

// Worker threads run the compiled code, so this goes through the build (dist/).
describe.skipIf(!existsSync(join(ROOT, 'dist', 'encoder', 'worker.js')))('parallel encoding', () => {
  it('gives the same bytes with 2 and 3 threads as with one (tcp_bbr: 3 units, split over vmlinux)', async () => {
    type Api = typeof import('../../src/encoder/index.js');
    const dist = (rel: string) => import(pathToFileURL(join(ROOT, 'dist', rel)).href);
    const api = (await dist('encoder/index.js')) as Api;
    const { parseElf } = (await dist('elf/index.js')) as typeof import('../../src/elf/index.js');
    const { parseBtf, serializeBtf } = (await dist('btf/index.js')) as typeof import('../../src/btf/index.js');
    const base = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    const features = api.parseFeatureLists([FEATURES]);
    const run = async (jobs: number, minBytes?: number) => {
      // The workers read the file from shared memory, as `encode -j` reads it.
      const bytes = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
      shared.set(bytes);
      const r = await api.encodeBtfParallel(parseElf(shared, 'tcp_bbr.ko'), { base, features, jobs, minBytes });
      return { bytes: serializeBtf(r.btf), threads: r.stats.threads };
    };
    const one = await run(1, 0);
    expect(one.threads).toBe(1);
    for (const jobs of [2, 3]) {
      const r = await run(jobs, 0);
      expect(r.threads).toBe(jobs);
      expect(Buffer.compare(r.bytes, one.bytes)).toBe(0);
    }
    // Read sparsely, with the DWARF relocations left on disk (as `encode -j --detached` reads):
    // this thread relocates every debug section the workers need, and the bytes are the same.
    const { readElfSparse } = (await dist('elf/index.js')) as typeof import('../../src/elf/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-par-sparse-'));
    const ko = join(dir, 'tcp_bbr.ko');
    writeFileSync(ko, fixture('postlink/tcp_bbr.pre-btf.ko.gz'));
    for (const jobs of [2, 3]) {
      const { elf } = await readElfSparse(ko, { section: api.encoderReadsSection, alloc: (n) => new Uint8Array(new SharedArrayBuffer(n)) });
      expect(elf.onDisk).not.toBeNull();
      const r = await api.encodeBtfFrom({ elf }, { base, features, jobs, minBytes: 0 });
      expect(r.stats.threads).toBe(jobs);
      expect(Buffer.compare(serializeBtf(r.btf), one.bytes)).toBe(0);
    }
    // An ELF in a plain buffer: it is copied into shared memory once, the sections this thread
    // relocated are handed over in shared copies.
    const plain = await api.encodeBtfParallel(parseElf(fixture('postlink/tcp_bbr.pre-btf.ko.gz'), 'tcp_bbr.ko'), { base, features, jobs: 2, minBytes: 0 });
    expect(plain.stats.threads).toBe(2);
    expect(Buffer.compare(serializeBtf(plain.btf), one.bytes)).toBe(0);
    // With the default threshold a module this small stays in one thread.
    expect((await run(2)).threads).toBe(1);
    expect(api.PARALLEL_MIN_BYTES).toBeGreaterThan(fixture('postlink/tcp_bbr.pre-btf.ko.gz').length);
  });

  it('reports the error a single thread meets first, whichever thread meets one (bad DWARF in a unit)', async () => {
    type Api = typeof import('../../src/encoder/index.js');
    const dist = (rel: string) => import(pathToFileURL(join(ROOT, 'dist', rel)).href);
    const api = (await dist('encoder/index.js')) as Api;
    const { parseElf } = (await dist('elf/index.js')) as typeof import('../../src/elf/index.js');
    const { openDwarf } = (await dist('dwarf/index.js')) as typeof import('../../src/dwarf/index.js');
    const { parseBtf } = (await dist('btf/index.js')) as typeof import('../../src/btf/index.js');
    const base = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    const features = api.parseFeatureLists([FEATURES]);
    const clean = fixture('postlink/tcp_bbr.pre-btf.ko.gz');
    const info = parseElf(clean, 'tcp_bbr.ko').sectionByName('.debug_info')!;
    expect(info.flags & 0x800).toBe(0); // not compressed: its bytes can be patched in place
    const units = openDwarf(parseElf(clean, 'tcp_bbr.ko')).units().map((u) => u.dieOffset);
    expect(units.length).toBe(3);
    const message = async (bytes: Uint8Array, jobs: number) => {
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
      shared.set(bytes);
      const err = await api.encodeBtfParallel(parseElf(shared, 'tcp_bbr.ko'), { base, features, jobs, minBytes: 0 }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      return (err as Error).message;
    };
    // An abbreviation code no table holds, in the root DIE of the first unit (this thread's run)
    // and of the last (a worker's, or taken over by this thread when it is done first).
    for (const [u, at, code] of [[0, 1, 0xff], [2, 0, 0x7f]]) {
      const bad = new Uint8Array(clean);
      bad[info.offset + units[u] + at] = code;
      const one = await message(bad, 1);
      expect(one).toMatch(/abbrev/i);
      for (const jobs of [2, 3]) expect(await message(bad, jobs)).toBe(one);
    }
  });

  it('encode -j 2 and -j 3 write the same bytes as -j 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'btfpost-par-'));
    const ko = join(dir, 'tcp_bbr.ko');
    writeFileSync(ko, fixture('postlink/tcp_bbr.pre-btf.ko.gz'));
    const base = join(dir, 'vmlinux.btf');
    writeFileSync(base, fixture('btf/vmlinux-6.12.btf.gz'));
    const out = (j: number) => {
      const o = join(dir, `j${j}.btf`);
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'btfpost'), 'encode', ko, '--btf_base', base,
        `--btf_features=${FEATURES}`, '-j', String(j), '--detached', o], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(o);
    };
    const one = out(1);
    expect(Buffer.compare(out(2), one)).toBe(0);
    expect(Buffer.compare(out(3), one)).toBe(0);
  });
});

describe('saved functions sent between threads', () => {
  it('pack and unpack to the same states, type ids mapped, strings shared', async () => {
    const { packStates, unpackStates } = await import('../../src/encoder/functions.js');
    const states = [
      { elf: 7, ret: 12, params: [{ name: 'sk', type: 30 }, { name: '', type: 0 }], unspec: false, optimized: true, unexpected: false, inconsistent: true, annots: [{ value: 'bpf_kfunc', component: -1 }] },
      { elf: 0, ret: 0, params: [], unspec: true, optimized: false, unexpected: true, inconsistent: false, annots: [] },
      { elf: 3, ret: 5, params: [{ name: 'sk', type: 31 }], unspec: false, optimized: false, unexpected: false, inconsistent: false, annots: [{ value: 'x', component: 0 }, { value: 'bpf_kfunc', component: 1 }] },
    ];
    const packed = packStates(states);
    expect(packed.strings).toEqual(['sk', '', 'bpf_kfunc', 'x']);
    const back = unpackStates(structuredClone(packed), (id) => (id === 0 ? 0 : id + 100));
    expect(back).toEqual(states.map((s) => ({ ...s, ret: s.ret === 0 ? 0 : s.ret + 100, params: s.params.map((p) => ({ ...p, type: p.type === 0 ? 0 : p.type + 100 })) })));
    expect(unpackStates(packStates([]), (id) => id)).toEqual([]);
    // Type ids come back unsigned: a sentinel above 2^31 reaches mapId as it was saved.
    const sentinel = 0xfffffff0;
    const seen: number[] = [];
    unpackStates(packStates([{ ...states[1], ret: sentinel, params: [{ name: 'a', type: sentinel }] }]), (id) => (seen.push(id), id));
    expect(seen).toEqual([sentinel, sentinel]);
  });
});

describe('the chunks of a parallel encoding, absorbed', () => {
  it('in order, the tail last, each dropped once absorbed: the workers\' are unreachable when afterWorkers runs', async () => {
    const { absorbChunks } = await import('../../src/encoder/index.js');
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    type Chunk = Parameters<typeof absorbChunks>[1][number];
    const chunk = (n: number) => ({ n, words: new Uint32Array(1 << 16) }) as unknown as NonNullable<Chunk>;
    const fromWorkers: Chunk[] = [chunk(1), chunk(2)];
    const refs = fromWorkers.map((c) => new WeakRef(c!));
    // A WeakRef keeps its target until the task that made it ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const tail = chunk(3);
    const absorbed: number[] = [];
    let reserved = 0;
    let unreachable: boolean[] = [];
    const enc = {
      reserveFor: (all: readonly unknown[]) => { reserved = all.length; },
      absorbChunk: (c: unknown) => { absorbed.push((c as { n: number }).n); },
    } as unknown as Parameters<typeof absorbChunks>[0];
    absorbChunks(enc, fromWorkers, tail, () => {
      gc();
      unreachable = refs.map((r) => r.deref() === undefined);
      absorbed.push(0);
    });
    expect(reserved).toBe(3);
    expect(absorbed).toEqual([1, 2, 0, 3]);
    expect(fromWorkers).toEqual([null, null]);
    expect(unreachable).toEqual([true, true]);
  });
});
