// Listing kfuncs as pahole's decl_tag_kfuncs finds them: BTF_SET8_KFUNCS sets, function names, pair flags.

import { describe, expect, it } from 'vitest';
import { kfuncSymbolName, listKfuncs } from '../../src/btfids/index.js';
import { LAYOUT_FIXTURES, loadFixture } from './helpers.js';

describe('kfuncSymbolName', () => {
  it('follows pahole get_func_name()', () => {
    expect(kfuncSymbolName('__BTF_ID__func__bpf_ct_release__1058529')).toBe('bpf_ct_release');
    expect(kfuncSymbolName('__BTF_ID__func__a__b__c')).toBe('a__b');
    expect(kfuncSymbolName('__BTF_ID__struct__foo__1')).toBeNull();
    expect(kfuncSymbolName('__BTF_ID__func___')).toBeNull();
    expect(kfuncSymbolName('__BTF_ID__func__nosuffix')).toBeNull();
    expect(kfuncSymbolName('__BTF_ID__func__x_y__1')).toBe('x_y');
  });
});

describe('listKfuncs', () => {
  for (const f of LAYOUT_FIXTURES) {
    it(`${f.file}: only the BTF_SET8_KFUNCS set counts, flags in host order`, () => {
      expect(listKfuncs(loadFixture(f.file))).toEqual([
        { name: 'k_two', flags: 0x3, set: 'kfunc_set', offset: 0x60 },
        { name: 'k_one', flags: 0x1000, set: 'kfunc_set', offset: 0x68 },
        { name: 'k_three', flags: 0, set: 'kfunc_set', offset: 0x70 },
      ]);
    });
  }

  it('files without .BTF_ids or symbols list nothing', () => {
    expect(listKfuncs(loadFixture('no-btfids.o'))).toEqual([]);
    expect(listKfuncs(loadFixture('x86_64-nosymtab.o'))).toEqual([]);
    expect(listKfuncs(loadFixture('hundred.o'))).toEqual([]);
  });
});
