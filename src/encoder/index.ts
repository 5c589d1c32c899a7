// Public face of the encoder: DWARF of an ELF file → deduplicated BTF, following pahole 1.30 (`pahole -J`).

import type { Btf } from '../btf/index.js';
import { dedupBtf } from '../btf/dedup/index.js';
import { listKfuncs } from '../btfids/index.js';
import { DEBUG_SECTIONS, DW_LANG_Rust, openDwarf, type AddressPlaces, type DwarfFile } from '../dwarf/index.js';
import { ET_REL, type ElfFile } from '../elf/index.js';
import { UnitClaim, halfBySize } from './claim.js';
import { addressSectionMask, sectionAddresses } from './elf-info.js';
import { ChunkMergeError, Encoder, type EncodeStats, type EncodedChunk } from './encoder.js';
import type { ChunkJob } from './worker.js';
import type { Worker } from 'node:worker_threads';
import { serializeBtf } from '../btf/wire/serialize.js';
import { noFeatures, type EncodeFeatures } from './features.js';
import { smallInputTuning } from '../common/compiler-tuning.js';
import { collectGarbage } from '../common/gc.js';
import { workerThreads } from '../common/lazy-builtin.js';
import { sharedCopy } from '../common/typed-arrays.js';

export { FEATURE_TABLE, KBUILD_FEATURES, isFeatureName, legacyDefaultFeatures, noFeatures, parseFeatureLists } from './features.js';
export type { EncodeFeatureName, EncodeFeatures } from './features.js';
export type { EncodeStats } from './encoder.js';
export { encoderReadsSection } from './elf-info.js';

/** Options for `encodeBtf`. */
export interface EncodeOptions {
  /** Base BTF (vmlinux) for split module BTF; null or absent for a standalone base BTF. */
  base?: Btf | null;
  /** Enabled features (see `parseFeatureLists`); all off when absent. */
  features?: EncodeFeatures;
  /** Languages whose units are skipped, by name ("rust", "c", "c++", "asm") or DW_LANG_* number. */
  langExclude?: ReadonlyArray<string | number>;
  /** Skip deduplication (for debugging); default false. */
  noDedup?: boolean;
}

/** Options of the parallel encoding. */
export interface ParallelOptions {
  /** Threads, this one included. */
  jobs: number;
  /**
   * Least DWARF (bytes of units) worth more threads; smaller inputs are encoded in this thread.
   * Default PARALLEL_MIN_BYTES.
   */
  minBytes?: number;
}

/**
 * Below this much DWARF, more threads cost more than they save: each worker starts cold (its own
 * compiled code, base and relocations), about a second of work before it pays off. xfs.ko (12 MB
 * of .debug_info) is slower with two threads than with one; i915.ko (50 MB) is faster.
 */
export const PARALLEL_MIN_BYTES = 32 << 20;

/**
 * Young generation of a worker thread, in MB. V8 sizes its default from the heap limit: 48 (two
 * 16 MB semispaces and as much for large new objects) on a 64-bit machine with a few GB of memory,
 * less on a small one. A worker's heap holds the records it builds and not much else that dies
 * young; with 24 the 6.12 vmlinux's encode -j2 peaked at 545-553 MB instead of 548-570 MB (five
 * runs each), in the same time.
 */
const WORKER_YOUNG_MB = 24;

/**
 * Least share of all DWARF the last worker must still have ahead of it for this thread to take
 * over half of it: below, setting up another encoder and merging one more chunk cost about what
 * it saves.
 */
const TAKE_OVER_MIN_SHARE = 0.01;

/** Result of `encodeBtf`. */
export interface EncodeResult {
  /** The BTF (deduplicated unless `noDedup`). */
  btf: Btf;
  /** Counters. */
  stats: EncodeStats;
}

const LANG_NAMES: Record<string, readonly number[]> = {
  rust: [DW_LANG_Rust],
  c: [0x0001, 0x0002, 0x000c, 0x001d, 0x002c],
  'c++': [0x0004, 0x001a, 0x0021, 0x002b],
  asm: [0x8001],
};

/** DW_LANG_* values for a language list such as ["rust"]; numbers pass through, unknown names are ignored. */
export function languageCodes(list: ReadonlyArray<string | number>): number[] {
  const out: number[] = [];
  for (const l of list) {
    if (typeof l === 'number') out.push(l);
    else out.push(...(LANG_NAMES[l.toLowerCase()] ?? []));
  }
  return out;
}

/**
 * Encode the DWARF of `elf` into BTF with pahole 1.30's rules, then deduplicate it (as split BTF
 * over `base` when given). Kfuncs for `decl_tag_kfuncs` are read from the ELF's `.BTF_ids`.
 * @throws DwarfError for missing or malformed DWARF (naming section and offset), ElfError for a
 *   malformed ELF, BtfError when deduplication fails.
 */
export function encodeBtf(elf: ElfFile, opts: EncodeOptions = {}): EncodeResult {
  const end = tuningFor(elf);
  try {
    const { raw, stats } = encodeRaw(elf, opts);
    return { btf: deduplicated(raw, elf.fileName, opts), stats };
  } finally {
    end();
  }
}

/** tuningFor the ELF of `input`, if it still has one. */
function tuningForInput(input: { elf: ElfFile | null }): () => void {
  return input.elf ? tuningFor(input.elf) : () => {};
}

/**
 * V8's optimizer settings for encoding `elf` and deduplicating the result (see compiler-tuning.ts):
 * those of a small input when its .debug_info, as stored, is smaller than PARALLEL_MIN_BYTES (the
 * inputs encoded in one thread). Returns what ends them.
 */
function tuningFor(elf: ElfFile): () => void {
  const info = elf.sectionByName('.debug_info');
  return info !== undefined && info.size < PARALLEL_MIN_BYTES ? smallInputTuning() : () => {};
}

/** The encoder's raw output deduplicated in place (it is not used again), unless `noDedup`. */
function deduplicated(raw: Btf, file: string | undefined, opts: EncodeOptions): Btf {
  return opts.noDedup ? raw : dedupBtf(raw, { file, consume: true });
}

/**
 * The encoding step alone; kept apart so that the DWARF state can be collected before dedup.
 * `owned`: the ELF's buffer was handed over, so relocations may be applied in place.
 */
function encodeRaw(elf: ElfFile, opts: EncodeOptions, owned = false, opened?: DwarfFile): { raw: Btf; stats: EncodeStats } {
  const features = opts.features ?? noFeatures();
  const dwarf = opened ?? openDwarf(elf, { relocateInPlace: owned, streamInfo: true, addressSections: addressSectionsOf(elf) });
  const kfuncs = features.decl_tag_kfuncs ? listKfuncs(elf).map((k) => ({ name: k.name, flags: k.flags })) : [];
  const enc = new Encoder(elf, dwarf, {
    base: opts.base ?? null,
    features,
    langExclude: languageCodes(opts.langExclude ?? []),
    kfuncs,
  });
  return { raw: enc.run(), stats: enc.stats };
}

/**
 * For openDwarf: the sections of an ET_REL object whose addresses variables are looked up in (see
 * RelocTargets), so that relocating the DWARF also finds which places point into them.
 */
function addressSectionsOf(elf: ElfFile): Uint8Array | null {
  return elf.header.type === ET_REL ? addressSectionMask(sectionAddresses(elf)) : null;
}

/**
 * encodeBtf with the units split into `jobs` contiguous runs encoded by worker threads and
 * merged in unit order, so the result is byte-identical to a single-threaded run. Falls back to
 * one thread for inputs with less DWARF than `minBytes`, a base that is itself split, or when the
 * runs cannot be merged exactly (the first run chose no array index type).
 */
export async function encodeBtfParallel(elf: ElfFile, opts: EncodeOptions & ParallelOptions): Promise<EncodeResult> {
  const end = tuningFor(elf);
  try {
    const { raw, stats } = await encodeRawParallel(elf, opts);
    return { btf: deduplicated(raw, elf.fileName, opts), stats };
  } finally {
    end();
  }
}

/**
 * encodeBtfParallel (encodeBtf when `jobs` is 1 or absent) for a caller that hands the ELF over:
 * `input.elf` is cleared, and once the DWARF is encoded nothing refers to the file any more. When
 * the file was large its memory is reclaimed before deduplication, which then needs the most (a
 * vmlinux's DWARF is hundreds of MB).
 */
export async function encodeBtfFrom(input: { elf: ElfFile | null }, opts: EncodeOptions & Partial<ParallelOptions>): Promise<EncodeResult> {
  const fileName = input.elf?.fileName;
  const size = input.elf?.fileBytes.length ?? 0;
  // Decided in a function of its own: a register of this async function's frame, kept over each
  // await, would otherwise hold on to the ELF that rawFrom hands over (for i915.ko, 60 MB more at
  // the peak).
  const end = tuningForInput(input);
  try {
    const { raw, stats } = await rawFrom(input, opts);
    if (size >= RECLAIM_INPUT_BYTES) collectGarbage();
    return { btf: deduplicated(raw, fileName, opts), stats };
  } finally {
    end();
  }
}

/** Inputs from this size on are reclaimed before deduplication (see encodeBtfFrom). */
const RECLAIM_INPUT_BYTES = 64 << 20;

/** The raw encoding of `input.elf`, taken out of `input`; nothing the caller keeps refers to the ELF afterwards. */
async function rawFrom(input: { elf: ElfFile | null }, opts: EncodeOptions & Partial<ParallelOptions>): Promise<{ raw: Btf; stats: EncodeStats }> {
  const elf = input.elf;
  if (elf === null) throw new TypeError('encodeBtfFrom: the ELF was already handed over');
  input.elf = null;
  return (opts.jobs ?? 1) > 1 ? encodeRawParallel(elf, { ...opts, jobs: opts.jobs ?? 1 }) : encodeRaw(elf, opts, true);
}

/** The encoding step of encodeBtfParallel, before deduplication. */
async function encodeRawParallel(elf: ElfFile, opts: EncodeOptions & ParallelOptions): Promise<{ raw: Btf; stats: EncodeStats }> {
  const base = opts.base ?? null;
  const dwarf = openDwarf(elf, { streamInfo: true, addressSections: addressSectionsOf(elf) });
  const units = dwarf.units();
  let total = 0;
  for (const u of units) total += u.end - u.offset;
  const jobs = Math.min(opts.jobs, units.length);
  if (jobs <= 1 || (base && base.base) || total < (opts.minBytes ?? PARALLEL_MIN_BYTES)) return encodeRaw(elf, opts, false, dwarf);
  // When the runs cannot be used, one thread starts over, after they are gone (their records and
  // the first thread's reserved arrays can be collected first).
  return (await mergedRuns(elf, dwarf, opts, jobs, total)) ?? encodeRaw(elf, opts, false, dwarf);
}

/**
 * Absorb the chunks of `fromWorkers` in order, then this thread's `tail` (if any), into `enc`,
 * taking each out of the array as it is absorbed. Once the workers' chunks are in, nothing here
 * refers to them and `afterWorkers` runs: a full collection there frees their buffers (~90 MB
 * for half of a vmlinux) before the functions are added and dedup runs. They are not detached to
 * free them sooner: the first ArrayBuffer detached in a thread makes V8 check every typed-array
 * access of the code it optimizes afterwards, which made the 6.12 vmlinux's dedup ~9% slower.
 * @throws ChunkMergeError as Encoder.absorbChunk.
 */
export function absorbChunks(
  enc: Pick<Encoder, 'absorbChunk' | 'reserveFor'>, fromWorkers: Array<EncodedChunk | null>, tail: EncodedChunk | null, afterWorkers: () => void,
): void {
  const all = fromWorkers.filter((c): c is EncodedChunk => c !== null);
  if (tail !== null) all.push(tail);
  enc.reserveFor(all);
  all.length = 0;
  // In a function of its own: a variable of this one's frame could still hold the last chunk.
  absorbEach(enc, fromWorkers);
  afterWorkers();
  if (tail !== null) enc.absorbChunk(tail, false);
}

function absorbEach(enc: Pick<Encoder, 'absorbChunk'>, chunks: Array<EncodedChunk | null>): void {
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    chunks[i] = null;
    if (c !== null) enc.absorbChunk(c, false);
  }
}

/**
 * The units split into `jobs` contiguous runs of about equal DWARF size: this thread encodes the
 * first, worker threads the others, merged in unit order. Null when a worker failed (the
 * single-threaded run then reports the error; so does a failure in units this thread took over from
 * a worker) or the runs cannot be merged exactly.
 */
async function mergedRuns(elf: ElfFile, dwarf: DwarfFile, opts: EncodeOptions & ParallelOptions, jobs: number, total: number): Promise<{ raw: Btf; stats: EncodeStats } | null> {
  const { Worker } = workerThreads();
  const features = opts.features ?? noFeatures();
  const base = opts.base ?? null;
  const units = dwarf.units();
  const bounds = [0];
  let acc = 0;
  for (let i = 0; i < units.length && bounds.length < jobs; i++) {
    acc += units[i].end - units[i].offset;
    if (acc >= (total * bounds.length) / jobs) bounds.push(i + 1);
  }
  bounds.push(units.length);
  const kfuncs = features.decl_tag_kfuncs ? listKfuncs(elf).map((k) => ({ name: k.name, flags: k.flags })) : [];
  const langExclude = languageCodes(opts.langExclude ?? []);
  const bytes = elf.fileBytes;
  // Workers read the file in place when it already lives in shared memory (`encode -j` reads it there).
  const inShared = bytes.buffer instanceof SharedArrayBuffer ? bytes : sharedCopy(bytes);
  const shared = inShared.buffer as SharedArrayBuffer;
  const fileOffset = inShared.byteOffset;
  // Debug sections this thread relocated or decompressed (a module's) are handed to the workers in
  // shared memory, so they do not relocate their own copies (i915.ko's .debug_info: 53 MB and
  // ~0.15 s a thread). Sections used as stored are read from the file, which the workers already
  // share.
  const sections: Record<string, Uint8Array> = {};
  for (const name of DEBUG_SECTIONS) {
    // A streamed .debug_info is read by each thread, its own units only.
    if (name === '.debug_info' && dwarf.streamed) continue;
    const data = dwarf.section(name);
    if (data === null || data.buffer === shared || data.buffer === bytes.buffer) continue;
    sections[name] = data.buffer instanceof SharedArrayBuffer ? data : sharedCopy(data);
  }
  // With them, the places their relocation made addresses, so the workers do not read a table left
  // on disk again for variable addresses (i915.ko's .rela.debug_info: 76 MB). Compact copies: the
  // arrays were sized for every relocation, and a message would copy all of that.
  const addressPlaces: Record<string, AddressPlaces> = {};
  for (const name of Object.keys(sections)) {
    const p = dwarf.addressPlaces(name);
    if (p !== null) addressPlaces[name] = { offs: p.offs.slice(), shndx: p.shndx.slice(), sorted: p.sorted, marked: p.marked };
  }
  const baseRaw = base ? serializeBtf(base) : null;
  // The last run ends at the last unit: this thread may take over its tail (see claim.ts).
  const lastRun = bounds.length - 3;
  const claim = lastRun >= 0 ? UnitClaim.create(bounds[lastRun + 1], units.length) : null;
  // This thread encodes the first run itself while workers encode the others. The workers start
  // now; they are sent their jobs once this thread's encoder has sorted the function symbols,
  // which they then take instead of sorting them again.
  // Each started worker with its run (index into `bounds`, less one): one that failed to start is missing.
  const workers: Array<{ w: Worker; run: number }> = [];
  const later = bounds.slice(1, -1).map((_, run) => new Promise<EncodedChunk>((resolve, reject) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    workers.push({ w, run });
    w.once('message', (m: { ok: boolean; chunk?: EncodedChunk; name?: string; message?: string }) => {
      // Settled once the worker is gone, so its heap is given back before the chunks are merged.
      const settle = () => {
        if (m.ok) resolve(m.chunk!);
        else reject(Object.assign(new Error(m.message), { workerErrorName: m.name }));
      };
      w.terminate().then(settle, settle);
    });
    w.once('error', reject);
  }));
  const stopWorkers = () => {
    for (const { w } of workers) void w.terminate();
  };
  // One failure ends the others at once: their results would not be used.
  let failed = false;
  const settled = Promise.all(later).catch(() => {
    failed = true;
    stopWorkers();
    return null;
  });
  let enc: Encoder;
  try {
    enc = new Encoder(elf, dwarf, { base, features, langExclude, kfuncs });
    const functionNames = enc.functionNames();
    for (const { w, run } of workers) {
      const job: ChunkJob = {
        file: shared, fileOffset, fileLength: bytes.length, fileName: elf.fileName, onDisk: elf.onDisk?.state ?? null, base: baseRaw, features, langExclude, kfuncs,
        from: bounds[run + 1], to: bounds[run + 2], first: false, sections, addressPlaces, claim: run === lastRun && claim !== null ? claim.word.buffer : null, functionNames,
      };
      w.postMessage(job);
    }
    enc.reserveUnits(0, units.length);
    enc.encodeUnits(bounds[0], bounds[1]);
  } catch (e) {
    // The first units' error is the first a single thread would meet; the workers' results (or
    // their wait for a job) are of no use.
    stopWorkers();
    throw e;
  }
  // Done before the last worker: take the back half of the units it has not started (unless a
  // worker failed already, and the units will be encoded again in this thread).
  const size = (i: number) => units[i].end - units[i].offset;
  const tail = failed ? null : claim?.takeTail((next, end) => halfBySize(next, end, size, total * TAKE_OVER_MIN_SHARE)) ?? null;
  let tailChunk: EncodedChunk | null = null;
  if (tail !== null) {
    try {
      const more = new Encoder(elf, dwarf, { base, features, langExclude, kfuncs, afterFirstChunk: true, sameElfAs: enc });
      more.encodeUnits(tail.from, tail.to);
      tailChunk = more.exportChunk();
    } catch {
      // Units before these may hold an earlier error: as when a worker fails, the single-threaded
      // run reports the first one.
      stopWorkers();
      return null;
    }
  }
  const workerChunks: Array<EncodedChunk | null> | null = await settled;
  if (!workerChunks) return null;
  // The promises hold the chunks too; from here on only workerChunks does (see absorbChunks).
  later.length = 0;
  // This thread is done reading DWARF: what reading built up (for the 6.12 vmlinux a 19 MB string
  // index and 16 MB of windows) can go, in the collection that follows the workers' chunks.
  enc.doneReading();
  dwarf.releaseReadState();
  try {
    absorbChunks(enc, workerChunks, tailChunk, collectGarbage);
  } catch (e) {
    if (e instanceof ChunkMergeError) return null;
    throw e;
  }
  enc.stats.threads = jobs;
  return { raw: enc.finish(), stats: enc.stats };
}
