// The candidate table of dedup: hash → canonical candidates, visited in libbpf's order.

/** A CandidateTable's contents; see CandidateTable.state. */
export interface CandidateTableState {
  keys: Uint32Array;
  heads: Int32Array;
  epochs: Int32Array;
  nodeId: Int32Array;
  nodeNext: Int32Array;
  /** slotsUsed, size, cap, epoch. */
  scalars: Int32Array;
}

/**
 * libbpf keeps candidates in a chained hash map that inserts at the head of a bucket and, each
 * time the map grows, re-inserts every entry at the head of its new bucket, which reverses the
 * order of entries sharing a key. The candidate visited first decides ties (for instance which of
 * two compatible enums a forward enum maps to), so this table reproduces that order exactly: the
 * growth schedule depends only on the number of entries. A key's chain is reversed lazily, when
 * the key is next used, if an odd number of growths happened since it was last used.
 *
 * Storage is typed arrays only (open addressing over 32-bit keys, chains as node arrays), so a
 * table prepared once from a vmlinux can be cloned cheaply for every module deduplicated over it.
 */
export class CandidateTable {
  private keys: Uint32Array;
  private heads: Int32Array;
  private epochs: Int32Array;
  private slotsUsed = 0;
  private nodeId: Int32Array;
  private nodeNext: Int32Array;
  private nodes = 0;
  // libbpf hashmap bookkeeping: entry count, capacity and the number of growths so far.
  private size = 0;
  private cap = 0;
  private epoch = 0;

  constructor(expected = 64) {
    let n = 64;
    while (n < expected * 2) n *= 2;
    this.keys = new Uint32Array(n);
    this.heads = new Int32Array(n).fill(-1);
    this.epochs = new Int32Array(n);
    this.nodeId = new Int32Array(Math.max(16, expected));
    this.nodeNext = new Int32Array(Math.max(16, expected));
  }

  /** An independent copy. */
  clone(): CandidateTable {
    const t = new CandidateTable(0);
    t.copyFrom(this);
    return t;
  }

  /**
   * Make this table equal to `src`, reusing this table's arrays where they are large enough (a
   * table kept from an earlier run over the same base costs a copy, not fresh memory).
   */
  copyFrom(src: CandidateTable): void {
    const same = (a: Uint32Array | Int32Array, b: Uint32Array | Int32Array) => a.length === b.length;
    if (same(this.keys, src.keys)) {
      this.keys.set(src.keys);
      this.heads.set(src.heads);
      this.epochs.set(src.epochs);
    } else {
      this.keys = src.keys.slice();
      this.heads = src.heads.slice();
      this.epochs = src.epochs.slice();
    }
    // Node arrays only need room for the source's nodes; entries past them are never read.
    if (this.nodeId.length >= src.nodes && this.nodeId.length >= src.nodeId.length) {
      this.nodeId.set(src.nodeId.subarray(0, src.nodes));
      this.nodeNext.set(src.nodeNext.subarray(0, src.nodes));
    } else {
      this.nodeId = src.nodeId.slice();
      this.nodeNext = src.nodeNext.slice();
    }
    this.slotsUsed = src.slotsUsed;
    this.nodes = src.nodes;
    this.size = src.size;
    this.cap = src.cap;
    this.epoch = src.epoch;
  }

  /** Everything the table holds (views of its arrays, trimmed to what is used), for saving it. */
  state(): CandidateTableState {
    return {
      keys: this.keys, heads: this.heads, epochs: this.epochs,
      nodeId: this.nodeId.subarray(0, this.nodes), nodeNext: this.nodeNext.subarray(0, this.nodes),
      scalars: new Int32Array([this.slotsUsed, this.size, this.cap, this.epoch]),
    };
  }

  /**
   * A table from a saved state (sharing its arrays), or null when the state is not one a table
   * can be in: wrong sizes, or a chain pointing outside the nodes or at an id of `maxId` or more.
   */
  static fromState(st: CandidateTableState, maxId: number): CandidateTable | null {
    const n = st.keys.length;
    const nodes = st.nodeId.length;
    if (n < 64 || (n & (n - 1)) !== 0 || st.heads.length !== n || st.epochs.length !== n) return null;
    if (st.nodeNext.length !== nodes || st.scalars.length !== 4) return null;
    const [slotsUsed, size, cap, epoch] = st.scalars;
    if (size !== nodes || slotsUsed < 0 || slotsUsed * 2 > n || cap < 0 || epoch < 0) return null;
    for (let i = 0; i < nodes; i++) {
      if (st.nodeNext[i] < -1 || st.nodeNext[i] >= nodes || st.nodeId[i] <= 0 || st.nodeId[i] >= maxId) return null;
    }
    // Every node on exactly one chain, each chain ending: no cycle a lookup could spin in.
    const seen = new Uint8Array(nodes);
    let used = 0;
    let reached = 0;
    for (let i = 0; i < n; i++) {
      const h = st.heads[i];
      if (h < -1 || h >= nodes) return null;
      if (h >= 0) used++;
      for (let nd = h; nd >= 0; nd = st.nodeNext[nd]) {
        if (seen[nd] !== 0) return null;
        seen[nd] = 1;
        reached++;
      }
    }
    if (used !== slotsUsed || reached !== nodes) return null;
    // The growth bookkeeping follows from the entry count alone (see add).
    const [c, e] = growthAfter(size);
    if (c !== cap || e !== epoch) return null;
    const t = new CandidateTable(0);
    t.keys = st.keys;
    t.heads = st.heads;
    t.epochs = st.epochs;
    // Room to grow past the saved nodes without reallocating at once.
    t.nodeId = new Int32Array(Math.max(16, nodes * 2));
    t.nodeId.set(st.nodeId);
    t.nodeNext = new Int32Array(Math.max(16, nodes * 2));
    t.nodeNext.set(st.nodeNext);
    t.slotsUsed = slotsUsed;
    t.nodes = nodes;
    t.size = size;
    t.cap = cap;
    t.epoch = epoch;
    return t;
  }

  add(key: number, id: number): void {
    if (mustGrow(this.size, this.cap)) {
      this.cap = this.cap === 0 ? 4 : this.cap * 2;
      this.epoch++;
    }
    let s = this.slot(key);
    if (this.heads[s] < 0) {
      if ((this.slotsUsed + 1) * 2 > this.keys.length) {
        this.rehash();
        s = this.slot(key);
      }
      this.keys[s] = key;
      this.epochs[s] = this.epoch;
      this.slotsUsed++;
    } else {
      this.normalize(s);
    }
    if (this.nodes === this.nodeId.length) {
      const a = new Int32Array(this.nodes * 2);
      a.set(this.nodeId);
      this.nodeId = a;
      const b = new Int32Array(this.nodes * 2);
      b.set(this.nodeNext);
      this.nodeNext = b;
    }
    const n = this.nodes++;
    this.nodeId[n] = id;
    this.nodeNext[n] = this.heads[s];
    this.heads[s] = n;
    this.size++;
  }

  /** First candidate node for `key` (-1: none); walk with next() and read with id(). */
  first(key: number): number {
    const s = this.slot(key);
    if (this.heads[s] < 0) return -1;
    this.normalize(s);
    return this.heads[s];
  }
  next(node: number): number {
    return this.nodeNext[node];
  }
  id(node: number): number {
    return this.nodeId[node];
  }

  private slot(key: number): number {
    const mask = this.keys.length - 1;
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & mask;
    while (this.heads[i] >= 0 && this.keys[i] !== key) i = (i + 1) & mask;
    return i;
  }

  private normalize(s: number): void {
    if (((this.epoch - this.epochs[s]) & 1) === 1) {
      let prev = -1;
      let cur = this.heads[s];
      while (cur >= 0) {
        const nx = this.nodeNext[cur];
        this.nodeNext[cur] = prev;
        prev = cur;
        cur = nx;
      }
      this.heads[s] = prev;
    }
    this.epochs[s] = this.epoch;
  }

  private rehash(): void {
    const oldK = this.keys;
    const oldH = this.heads;
    const oldE = this.epochs;
    const n = oldK.length * 2;
    this.keys = new Uint32Array(n);
    this.heads = new Int32Array(n).fill(-1);
    this.epochs = new Int32Array(n);
    const mask = n - 1;
    for (let j = 0; j < oldK.length; j++) {
      if (oldH[j] < 0) continue;
      let i = Math.imul(oldK[j], 0x9e3779b1) >>> 0 & mask;
      while (this.heads[i] >= 0) i = (i + 1) & mask;
      this.keys[i] = oldK[j];
      this.heads[i] = oldH[j];
      this.epochs[i] = oldE[j];
    }
  }
}

/** Mix a word into a running 32-bit hash. */
export function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Capacity and number of growths of a map after `size` additions, as `add` leaves them: one step
 * per growth (where adding entries one by one would take a step per entry, in a cold loop). The
 * entry with index s grows a map of capacity c > 0 when floor((s + 1) * 4 / 3) > c, that is from
 * s = ceil(3 * (c + 1) / 4) - 1 on.
 */
export function growthAfter(size: number): [cap: number, epoch: number] {
  let c = 0;
  let e = 0;
  for (let s = 0; s < size; s = Math.ceil((3 * (c + 1)) / 4) - 1) {
    c = c === 0 ? 4 : c * 2;
    e++;
  }
  return [c, e];
}

/**
 * Whether adding an entry to a map holding `size` entries in capacity `cap` grows it first: when
 * empty or above 75% load, exactly like libbpf's hashmap.
 */
function mustGrow(size: number, cap: number): boolean {
  return cap === 0 || Math.floor(((size + 1) * 4) / 3) > cap;
}
