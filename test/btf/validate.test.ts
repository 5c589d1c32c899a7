import { describe, it, expect } from 'vitest';
import { Btf, addType, parseBtf, serializeBtf, makeInfo, BTF_KIND_PTR } from '../../src/btf/index.js';
import { validateBtf, checkHeaderLayout } from '../../src/btf/validate.js';
import { parseBtfHeader } from '../../src/btf/wire/parse.js';
import { btfFromBytes } from '../../src/btf/load.js';
import { fixture, MODULES } from '../helpers/testdata.js';

const rules = (b: Btf) => validateBtf(b).map((p) => `${p.typeId}:${p.rule}`);
const withInt = () => {
  const b = new Btf();
  addType(b, { kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
  return b;
};

describe('validation on real BTF', () => {
  it('the 6.12 vmlinux and host BTF break no rule', () => {
    for (const f of ['btf/vmlinux-6.12.btf.gz', 'btf/host.btf.gz']) {
      const data = fixture(f);
      expect(checkHeaderLayout(parseBtfHeader(data), data.length, false)).toEqual([]);
      expect(validateBtf(parseBtf(data))).toEqual([]);
    }
  });
  it('shipped module BTF breaks no rule', () => {
    const base = parseBtf(fixture('btf/vmlinux-6.12.btf.gz'));
    for (const m of MODULES) expect(validateBtf(btfFromBytes(fixture(`modules/${m}.ko`), m, { base }).btf)).toEqual([]);
  });
});

describe('kernel rules', () => {
  it('INT size, bits and encoding', () => {
    const b = withInt();
    addType(b, { kind: 'INT', name: 'x', size: 3, encoding: 0, offset: 0, bits: 24 });
    addType(b, { kind: 'INT', name: 'y', size: 4, encoding: 0, offset: 0, bits: 40 });
    addType(b, { kind: 'INT', name: 'z', size: 4, encoding: 3, offset: 0, bits: 32 });
    expect(rules(b)).toEqual(['2:int-size', '3:int-size', '4:int-encoding']);
  });
  it('pointers must be anonymous and point at existing types', () => {
    const b = withInt();
    b.add(BTF_KIND_PTR, b.addStr('p'), 0, false, 1);
    b.add(BTF_KIND_PTR, 0, 0, false, 99);
    expect(rules(b)).toEqual(['2:name', '3:type-id']);
  });
  it('struct members: union offsets, order, size, bitfields', () => {
    const b = withInt();
    addType(b, { kind: 'UNION', name: 'u', size: 4, bitfields: false, members: [{ name: 'a', type: 1, bitOffset: 8, bitfieldSize: 0 }] });
    addType(b, { kind: 'STRUCT', name: 's', size: 8, bitfields: false, members: [
      { name: 'a', type: 1, bitOffset: 32, bitfieldSize: 0 }, { name: 'b', type: 1, bitOffset: 0, bitfieldSize: 0 }] });
    addType(b, { kind: 'STRUCT', name: 't', size: 4, bitfields: true, members: [{ name: 'a', type: 1, bitOffset: 0, bitfieldSize: 40 }] });
    addType(b, { kind: 'STRUCT', name: 'v', size: 2, bitfields: false, members: [{ name: 'a', type: 1, bitOffset: 64, bitfieldSize: 0 }] });
    expect(rules(b)).toEqual(['2:member-offset', '3:member-order', '4:bitfield', '4:member-size', '5:member-offset']);
  });
  it('FUNC must point at a FUNC_PROTO; varargs only last', () => {
    const b = withInt();
    addType(b, { kind: 'FUNC', name: 'f', type: 1, linkage: 1 });
    addType(b, { kind: 'FUNC_PROTO', returnType: 1, params: [{ name: '', type: 0 }, { name: 'x', type: 1 }] });
    addType(b, { kind: 'FUNC', name: 'g', type: 3, linkage: 5 });
    expect(rules(b)).toEqual(['2:func-proto', '3:func-proto-param', '4:func-linkage']);
  });
  it('DATASEC entries, VAR linkage, FLOAT size, ENUM size', () => {
    const b = withInt();
    addType(b, { kind: 'VAR', name: 'v', type: 1, linkage: 7 });
    addType(b, { kind: 'DATASEC', name: '.data', size: 4, vars: [{ type: 2, offset: 2, size: 4 }] });
    addType(b, { kind: 'FLOAT', name: 'f', size: 3 });
    addType(b, { kind: 'ENUM', name: 'e', size: 3, signed: false, values: [] });
    expect(rules(b)).toEqual(['2:var-linkage', '3:datasec-entry', '4:float-size', '5:enum-size']);
  });
  it('DECL_TAG target and component index', () => {
    const b = withInt();
    addType(b, { kind: 'STRUCT', name: 's', size: 4, bitfields: false, members: [{ name: 'a', type: 1, bitOffset: 0, bitfieldSize: 0 }] });
    addType(b, { kind: 'DECL_TAG', name: 'tag', type: 2, componentIdx: 1, attr: false });
    addType(b, { kind: 'DECL_TAG', name: 'tag', type: 1, componentIdx: -1, attr: false });
    addType(b, { kind: 'DECL_TAG', name: 'ok', type: 2, componentIdx: 0, attr: false });
    expect(rules(b)).toEqual(['3:decl-tag-component', '4:decl-tag-target']);
  });
  it('type tags must precede modifiers', () => {
    const b = withInt();
    const c = addType(b, { kind: 'CONST', name: '', type: 1 });
    const tt = addType(b, { kind: 'TYPE_TAG', name: 'user', type: c });
    const bad = addType(b, { kind: 'CONST', name: '', type: tt });
    addType(b, { kind: 'PTR', name: '', type: bad });
    addType(b, { kind: 'PTR', name: '', type: tt });
    expect(rules(b)).toEqual([`${bad}:type-tag-order`]);
  });
  it('reference loops not broken by a struct are refused; through a pointer they are fine', () => {
    const b = withInt();
    // 2: typedef a -> 3, 3: const -> 2
    addType(b, { kind: 'TYPEDEF', name: 'a', type: 3 });
    addType(b, { kind: 'CONST', name: '', type: 2 });
    // 4: typedef l -> 5: ptr -> 4 (fine)
    addType(b, { kind: 'TYPEDEF', name: 'l', type: 5 });
    addType(b, { kind: 'PTR', name: '', type: 4 });
    expect(rules(b)).toContain('2:loop');
    expect(rules(b).filter((r) => r.startsWith('4:') || r.startsWith('5:'))).toEqual([]);
  });
  it('header section rules: gaps and strings last', () => {
    const b = withInt();
    const d = serializeBtf(b);
    const h = parseBtfHeader(d);
    expect(checkHeaderLayout(h, d.length, false)).toEqual([]);
    const gap = new Uint8Array(d.length + 4);
    gap.set(d.subarray(0, 24 + 16));
    gap.set(d.subarray(24 + 16), 24 + 20);
    new DataView(gap.buffer).setUint32(16, 20, true);
    expect(checkHeaderLayout(parseBtfHeader(gap), gap.length, false).map((p) => p.rule)).toContain('section-gap');
  });
  it('an unknown kind is read through the layout section and reported by validation', () => {
    const b = withInt();
    b.layout = new Uint8Array(21 * 4);
    b.layout[20 * 4] = 4; // kind 20: one extra word
    b.layout[20 * 4 + 1] = 4; // and one word per vlen entry
    b.addRecord([0, makeInfo(20, 2, false), 0, 7, 8, 9]);
    const back = parseBtf(serializeBtf(b));
    expect(back.hdrLen).toBe(32);
    expect(back.count).toBe(2);
    expect(rules(back)).toEqual(['2:kind']);
  });
});
