// Worker thread of a parallel encoding: encodes one contiguous run of units and sends it back.

import { parentPort } from 'node:worker_threads';
import { parseElf, SectionsOnDisk, type OnDiskState } from '../elf/index.js';
import { openDwarf, type AddressPlaces } from '../dwarf/index.js';
import { parseBtf } from '../btf/wire/parse.js';
import { UnitClaim } from './claim.js';
import { Encoder, chunkBuffers } from './encoder.js';
import type { SortedFunctionNames } from './elf-info.js';
import type { EncodeFeatures } from './features.js';

/** The job a worker is sent. */
export interface ChunkJob {
  file: SharedArrayBuffer;
  fileOffset: number;
  fileLength: number;
  fileName?: string;
  /** Sections of the file left on disk by the first thread's sparse read (ElfFile.onDisk). */
  onDisk: OnDiskState | null;
  base: Uint8Array | null;
  features: EncodeFeatures;
  langExclude: number[];
  kfuncs: Array<{ name: string; flags: number }>;
  from: number;
  to: number;
  first: boolean;
  /** Debug sections the first thread already decompressed or relocated (see OpenDwarfOptions.loaded). */
  sections: Record<string, Uint8Array>;
  /** What relocating those found (see OpenDwarfOptions.loadedPlaces). */
  addressPlaces: Record<string, AddressPlaces>;
  /** The UnitClaim word of this run, when the first thread may take over its tail. */
  claim: SharedArrayBuffer | null;
  /** The first thread's sorted function symbols (see Encoder.functionNames). */
  functionNames: SortedFunctionNames;
}

parentPort!.once('message', (job: ChunkJob) => {
  try {
    const onDisk = job.onDisk === null ? null : new SectionsOnDisk(job.onDisk);
    const elf = parseElf(new Uint8Array(job.file, job.fileOffset, job.fileLength), job.fileName, { onDisk });
    const base = job.base ? parseBtf(job.base) : null;
    const enc = new Encoder(elf, openDwarf(elf, { loaded: job.sections, loadedPlaces: job.addressPlaces, streamInfo: true }), {
      base, features: job.features, langExclude: job.langExclude, kfuncs: job.kfuncs, afterFirstChunk: !job.first,
      functionNames: job.functionNames,
    });
    enc.encodeUnits(job.from, job.to, job.claim === null ? undefined : UnitClaim.of(job.claim));
    const out = enc.exportChunk();
    parentPort!.postMessage({ ok: true, chunk: out }, chunkBuffers(out));
  } catch (e) {
    parentPort!.postMessage({ ok: false, name: (e as Error).name, message: (e as Error).message });
  }
});
