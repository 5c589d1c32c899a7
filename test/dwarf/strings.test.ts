// The DWARF string table gives the same ids whether or not it keeps an offset index: the index
// only saves work on repeated offsets.

import { describe, expect, it } from 'vitest';
import { StringTable } from '../../src/dwarf/strings.js';

/** A .debug_str as `ld -r` leaves it: each unit's names again, at offsets of their own. */
function perUnitCopies(units: number, names: readonly string[]): { bytes: Uint8Array; offsets: number[] } {
  const parts: number[] = [0];
  const offsets: number[] = [];
  for (let u = 0; u < units; u++) {
    for (const n of names) {
      offsets.push(parts.length);
      for (let i = 0; i < n.length; i++) parts.push(n.charCodeAt(i));
      parts.push(0);
    }
  }
  return { bytes: Uint8Array.from(parts), offsets };
}

describe('StringTable', () => {
  const names = ['int', 'next', 'prev', 'list_head', 'sk_buff', 'net_device', 'a_rather_longer_name_than_the_others', ''];
  const { bytes, offsets } = perUnitCopies(40, names);
  // Every offset, then a pseudo-random walk with many repeats.
  const lookups = [...offsets];
  for (let i = 0, x = 7; i < 2000; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    lookups.push(offsets[x % offsets.length]);
  }

  it('gives equal bytes one id, in first-seen order, with and without the offset index', () => {
    const results = [true, false].map((offsetIndex) => {
      const t = new StringTable([null, bytes, null], 'test.ko', { offsetIndex });
      const ids = lookups.map((o) => t.idOf(1, o));
      return { ids, count: t.count, strings: ids.map((id) => t.string(id)) };
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[0].count).toBe(names.length);
    expect(results[0].ids.slice(0, names.length)).toEqual(names.map((_, i) => i));
    expect(results[0].strings.slice(0, offsets.length)).toEqual(offsets.map((_, i) => names[i % names.length]));
  });

  it('reports an offset outside the section the same way with and without the offset index', () => {
    for (const offsetIndex of [true, false]) {
      const t = new StringTable([null, bytes, null], 'test.ko', { offsetIndex });
      expect(() => t.idOf(1, bytes.length + 3), String(offsetIndex)).toThrow(/outside|past|\.debug_str/);
    }
  });
});
