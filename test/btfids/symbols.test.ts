// Collecting __BTF_ID__ symbols: name parsing as resolve_btfids does it, offsets, sets and the limits.

import { describe, expect, it } from 'vitest';
import { ADDR_CNT, BtfIdsError, collectBtfIds, parseBtfIdSymbol } from '../../src/btfids/index.js';
import { LAYOUT_FIXTURES, loadFixture } from './helpers.js';

describe('parseBtfIdSymbol', () => {
  it('strips the prefix and the __<unique> suffix of slot symbols', () => {
    expect(parseBtfIdSymbol('__BTF_ID__func__vfs_close__1')).toEqual({ type: 'slot', kind: 'func', name: 'vfs_close' });
    expect(parseBtfIdSymbol('__BTF_ID__struct__nf_conn___init__1052266')).toEqual({ type: 'slot', kind: 'struct', name: 'nf_conn___init' });
    expect(parseBtfIdSymbol('__BTF_ID__union__u__9')).toEqual({ type: 'slot', kind: 'union', name: 'u' });
    expect(parseBtfIdSymbol('__BTF_ID__typedef__pid_t__77')).toEqual({ type: 'slot', kind: 'typedef', name: 'pid_t' });
    // The suffix is whatever follows the last "__", digits or not, as in get_id().
    expect(parseBtfIdSymbol('__BTF_ID__func__a__b')).toEqual({ type: 'slot', kind: 'func', name: 'a' });
  });

  it('reads set names whole', () => {
    expect(parseBtfIdSymbol('__BTF_ID__set__my_set')).toEqual({ type: 'set', kind: 'set', name: 'my_set' });
    expect(parseBtfIdSymbol('__BTF_ID__set8__bpf_kfunc_ids__x')).toEqual({ type: 'set', kind: 'set8', name: 'bpf_kfunc_ids__x' });
  });

  it('matches kinds by prefix, in resolve_btfids order', () => {
    // "structure" starts with "struct": the two bytes after the kind are skipped whatever they are.
    expect(parseBtfIdSymbol('__BTF_ID__structure__x__1')).toEqual({ type: 'slot', kind: 'struct', name: 'e__x' });
    // Sets skip "set8__"/"set__" by length too.
    expect(parseBtfIdSymbol('__BTF_ID__set8x__s')).toEqual({ type: 'set', kind: 'set8', name: '_s' });
    expect(parseBtfIdSymbol('__BTF_ID__settle')).toEqual({ type: 'set', kind: 'set', name: 'e' });
  });

  it('rejects what resolve_btfids rejects', () => {
    expect(parseBtfIdSymbol('__BTF_ID__enum__colour__1')).toMatchObject({ type: 'error', reason: 'unsupported-prefix' });
    expect(parseBtfIdSymbol('__BTF_ID__func__plainname')).toMatchObject({ type: 'error', reason: 'bad-name' });
    expect(parseBtfIdSymbol('__BTF_ID__func__')).toMatchObject({ type: 'error', reason: 'bad-name' });
    expect(parseBtfIdSymbol('__BTF_ID__func__nounderscore')).toMatchObject({ type: 'error', reason: 'bad-name' });
    expect(parseBtfIdSymbol('__BTF_ID__set__')).toMatchObject({ type: 'error', reason: 'bad-set-name' });
  });
});

describe('collectBtfIds on the fixtures', () => {
  for (const f of LAYOUT_FIXTURES) {
    it(`${f.file}: slots, sets and counts (offsets relative to sh_addr)`, () => {
      const elf = loadFixture(f.file);
      expect(elf.le).toBe(f.le);
      expect(elf.is64).toBe(f.is64);
      const c = collectBtfIds(elf);
      if (!c.found) throw new Error(c.reason);
      const l = c.layout;
      if (f.file.endsWith('.exec')) expect(l.section.addrBig).toBe(0xffffffff82000000n);
      else expect(l.section.addrBig).toBe(0n);
      expect(l.data.length).toBe(0x7c);
      expect(l.symbolCount).toBe(21);
      expect(l.symbolCounts).toEqual({ struct: 4, union: 1, typedef: 2, func: 11 });
      expect([...l.names.struct.values()].map((n) => [n.name, n.offsets])).toEqual([['foo', [0x00, 0x14, 0x48]], ['missing', [0x18]]]);
      expect(l.names.typedef.get('baz_t')?.offsets).toEqual([0x08, 0x78]);
      expect(l.names.func.get('f_c')?.offsets).toEqual([0x28, 0x40]);
      expect([...l.sets.values()].map((s) => [s.kind, s.name, s.offset, s.cnt, s.size])).toEqual([
        ['set', 'set_a', 0x24, 4, 20],
        ['set8', 'set8_plain', 0x38, 3, 32],
        ['set8', 'kfunc_set', 0x58, 3, 32],
      ]);
    });
  }

  it('an ELF without .BTF_ids or without a symbol table has nothing to collect', () => {
    expect(collectBtfIds(loadFixture('no-btfids.o'))).toEqual({ found: false, reason: 'no .BTF_ids section' });
    const stripped = loadFixture('x86_64-nosymtab.o');
    expect(stripped.sectionByName('.BTF_ids')).toBeDefined();
    expect(collectBtfIds(stripped)).toEqual({ found: false, reason: 'no symbol table' });
  });

  it('an unsupported prefix is an error naming the symbol and its offset', () => {
    const e = (() => {
      try {
        collectBtfIds(loadFixture('bad-prefix.o'));
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(BtfIdsError);
    const be = e as BtfIdsError;
    expect(be.code).toBe('btfids');
    expect(be.symbol).toBe('__BTF_ID__enum__colour__17');
    expect(be.describe()).toBe('bad-prefix.o: .BTF_ids+0x4: unsupported prefix enum__colour__17');
  });

  it('a slot name without a unique suffix is an error', () => {
    expect(() => collectBtfIds(loadFixture('bad-name.o'))).toThrow(/cannot parse symbol name __BTF_ID__func__plainname/);
  });

  it(`at most ${ADDR_CNT} slots per name, as resolve_btfids' ADDR_CNT`, () => {
    const c = collectBtfIds(loadFixture('hundred.o'));
    expect(c.found && c.layout.names.struct.get('foo')?.offsets.length).toBe(ADDR_CNT);
    expect(() => collectBtfIds(loadFixture('too-many.o'))).toThrow(/struct 'foo' has more than 100 slots/);
  });
});
