// The candidate table of dedup: hash → canonical candidates, visited in libbpf's order.

import { grownInt32 } from '../../common/typed-arrays.js';

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
 * table prepared once from a vmlinux can be saved and adopted as it is, and a run over it can log
 * its changes and roll them back (checkpoint) for the next module deduplicated over it.
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
  /** While a checkpoint is open: the table as it was then (its arrays, which rollback restores). */
  private saved: Saved | null = null;
  /** Slots changed in `saved`'s arrays since the checkpoint, four words each: slot, key, head, epoch. */
  private slotLog: Int32Array<ArrayBuffer> = new Int32Array(256);
  private slotLogLen = 0;
  /** Links of `saved`'s nodes changed since the checkpoint, two words each: node, next. */
  private linkLog: Int32Array<ArrayBuffer> = new Int32Array(256);
  private linkLogLen = 0;

  constructor(expected = 64) {
    let n = 64;
    while (n < expected * 2) n *= 2;
    this.keys = new Uint32Array(n);
    this.heads = new Int32Array(n).fill(-1);
    this.epochs = new Int32Array(n);
    this.nodeId = new Int32Array(Math.max(16, expected));
    this.nodeNext = new Int32Array(Math.max(16, expected));
  }

  /**
   * Remember the table as it is now, for `rollback`. Until then it changes as usual, and what it
   * changes of its present arrays is logged (a few words per canonical type added, where a copy
   * made for each run over a 6.12 vmlinux base is 5 MB, written to fresh pages). A checkpoint still
   * open is rolled back first.
   */
  checkpoint(): void {
    this.rollback();
    this.saved = {
      keys: this.keys, heads: this.heads, epochs: this.epochs, nodeId: this.nodeId, nodeNext: this.nodeNext,
      slotsUsed: this.slotsUsed, nodes: this.nodes, size: this.size, cap: this.cap, epoch: this.epoch,
    };
  }

  /** Make the table what it was at the last checkpoint and close it (nothing without one). */
  rollback(): void {
    const sv = this.saved;
    if (sv === null) return;
    // Newest first, so a slot or link logged twice ends with its oldest value.
    const sl = this.slotLog;
    for (let i = this.slotLogLen - 4; i >= 0; i -= 4) {
      const s = sl[i];
      sv.keys[s] = sl[i + 1];
      sv.heads[s] = sl[i + 2];
      sv.epochs[s] = sl[i + 3];
    }
    const ll = this.linkLog;
    for (let i = this.linkLogLen - 2; i >= 0; i -= 2) sv.nodeNext[ll[i]] = ll[i + 1];
    this.keys = sv.keys;
    this.heads = sv.heads;
    this.epochs = sv.epochs;
    this.nodeId = sv.nodeId;
    this.nodeNext = sv.nodeNext;
    this.slotsUsed = sv.slotsUsed;
    this.nodes = sv.nodes;
    this.size = sv.size;
    this.cap = sv.cap;
    this.epoch = sv.epoch;
    this.saved = null;
    this.slotLogLen = 0;
    this.linkLogLen = 0;
  }

  /** Log slot `s` before it changes, when it is in the checkpoint's arrays (not after a rehash). */
  private logSlot(s: number): void {
    if (this.saved === null || this.keys !== this.saved.keys) return;
    if (this.slotLogLen + 4 > this.slotLog.length) this.slotLog = grownInt32(this.slotLog, this.slotLogLen + 4);
    const l = this.slotLog;
    const at = this.slotLogLen;
    l[at] = s;
    l[at + 1] = this.keys[s];
    l[at + 2] = this.heads[s];
    l[at + 3] = this.epochs[s];
    this.slotLogLen = at + 4;
  }

  /** Log the link of node `nd` before it changes, when it is one of the checkpoint's nodes. */
  private logLink(nd: number): void {
    if (this.saved === null || nd >= this.saved.nodes || this.nodeNext !== this.saved.nodeNext) return;
    if (this.linkLogLen + 2 > this.linkLog.length) this.linkLog = grownInt32(this.linkLog, this.linkLogLen + 2);
    this.linkLog[this.linkLogLen] = nd;
    this.linkLog[this.linkLogLen + 1] = this.nodeNext[nd];
    this.linkLogLen += 2;
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
    // These loops run once per process over a vmlinux's ~130K nodes, mostly before V8 optimizes
    // them: the arrays are held in locals rather than read from `st` on each turn.
    const nodeNext = st.nodeNext;
    const nodeId = st.nodeId;
    const heads = st.heads;
    for (let i = 0; i < nodes; i++) {
      const nx = nodeNext[i];
      const id = nodeId[i];
      if (nx < -1 || nx >= nodes || id <= 0 || id >= maxId) return null;
    }
    // Every node on exactly one chain, each chain ending: no cycle a lookup could spin in.
    const seen = new Uint8Array(nodes);
    let used = 0;
    let reached = 0;
    for (let i = 0; i < n; i++) {
      const h = heads[i];
      if (h < -1 || h >= nodes) return null;
      if (h >= 0) used++;
      for (let nd = h; nd >= 0; nd = nodeNext[nd]) {
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
      this.logSlot(s);
      this.keys[s] = key;
      this.epochs[s] = this.epoch;
      this.slotsUsed++;
    } else {
      this.normalize(s);
      this.logSlot(s);
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
    if (this.epochs[s] === this.epoch) return;
    this.logSlot(s);
    if (((this.epoch - this.epochs[s]) & 1) === 1) {
      let prev = -1;
      let cur = this.heads[s];
      while (cur >= 0) {
        const nx = this.nodeNext[cur];
        this.logLink(cur);
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

/** What a table was at a checkpoint. */
interface Saved {
  keys: Uint32Array;
  heads: Int32Array;
  epochs: Int32Array;
  nodeId: Int32Array;
  nodeNext: Int32Array;
  slotsUsed: number;
  nodes: number;
  size: number;
  cap: number;
  epoch: number;
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
