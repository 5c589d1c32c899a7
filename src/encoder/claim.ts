// Shared bookkeeping of a worker's run of units, so the first thread can take over its tail.
//
// A parallel encoding splits the units into runs of about equal DWARF size, but the threads do
// not finish together: a worker starts cold (its own compiled code, symbol tables) and the
// machine's other load falls on one thread or the other. On the 6.12 vmlinux with two threads the
// first thread waited 0.26-0.76 s for the worker. When it is done early, it takes the back half of
// what the worker has not started, encodes it as one more chunk, and the chunks are merged in unit
// order as before: the output does not depend on where the runs end.
//
// One 32-bit word holds both ends: the next unit the worker will start (high 16 bits) and the end
// of its run (low 16 bits). The worker moves the first up, the first thread moves the second down,
// each with a compare-and-swap on the whole word, so a unit is never both started by the worker
// and taken by the first thread.

/** Largest unit count the word can hold; longer unit lists keep the fixed runs. */
export const MAX_CLAIM_UNITS = 0xffff;

const pack = (next: number, end: number): number => ((next << 16) | end) | 0;

/** The claim word of a worker's run [from, to). */
export class UnitClaim {
  /** The shared word (hand `buffer` to the worker). */
  readonly word: Int32Array<SharedArrayBuffer>;

  private constructor(word: Int32Array<SharedArrayBuffer>) {
    this.word = word;
  }

  /** A claim over units [from, to), or null when `to` does not fit the word. */
  static create(from: number, to: number): UnitClaim | null {
    if (to > MAX_CLAIM_UNITS || from > to || from < 0) return null;
    const c = new UnitClaim(new Int32Array(new SharedArrayBuffer(4)));
    Atomics.store(c.word, 0, pack(from, to));
    return c;
  }

  /** The claim over a word another thread created. */
  static of(buffer: SharedArrayBuffer): UnitClaim {
    return new UnitClaim(new Int32Array(buffer, 0, 1));
  }

  /** The next unit the worker would start and the end of its run, as they are now. */
  state(): { next: number; end: number } {
    const w = Atomics.load(this.word, 0);
    return { next: w >>> 16, end: w & 0xffff };
  }

  /**
   * Worker side: start unit `unit` (the next one in its run)? False once the run ends before it,
   * either where it was planned or where the first thread took over.
   */
  start(unit: number): boolean {
    for (;;) {
      const w = Atomics.load(this.word, 0);
      const end = w & 0xffff;
      if (unit >= end) return false;
      if (Atomics.compareExchange(this.word, 0, w, pack(unit + 1, end)) === w) return true;
    }
  }

  /**
   * First thread's side: end the worker's run at `split(next, end)` (clamped to [next, end]) and
   * take the units from there to the old end. Returns them, or null when nothing is taken.
   */
  takeTail(split: (next: number, end: number) => number): { from: number; to: number } | null {
    for (;;) {
      const w = Atomics.load(this.word, 0);
      const next = w >>> 16;
      const end = w & 0xffff;
      const at = Math.min(end, Math.max(next, split(next, end)));
      if (at >= end) return null;
      if (Atomics.compareExchange(this.word, 0, w, pack(next, at)) === w) return { from: at, to: end };
    }
  }
}

/**
 * Where to split units [next, end) so that both parts hold about as much DWARF (`size(i)` bytes
 * for unit i); returns `end` when the units left hold less than `least` bytes (not worth taking).
 */
export function halfBySize(next: number, end: number, size: (unit: number) => number, least: number): number {
  let total = 0;
  for (let i = next; i < end; i++) total += size(i);
  if (total < least) return end;
  let acc = 0;
  for (let i = next; i < end; i++) {
    acc += size(i);
    if (acc * 2 >= total) return i + 1;
  }
  return end;
}
