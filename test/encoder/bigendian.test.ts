import { describe, it, expect } from 'vitest';
import { parseElf } from '../../src/elf/index.js';
import { parseBtf, serializeBtf } from '../../src/btf/index.js';
import { encodeBtf, parseFeatureLists, KBUILD_FEATURES } from '../../src/encoder/index.js';
import { compareBtf } from '../../src/btf/compare.js';
import { fixture } from '../helpers/testdata.js';

describe('big-endian input', () => {
  it('an s390x object encodes to big-endian BTF byte-identical to pahole 1.30', () => {
    const elf = parseElf(fixture('encoder/types-s390x.o'), 'types-s390x.o');
    expect(elf.le).toBe(false);
    const { btf } = encodeBtf(elf, { features: parseFeatureLists([KBUILD_FEATURES]) });
    expect(btf.le).toBe(false);
    const ours = serializeBtf(btf);
    const ref = fixture('encoder/types-s390x.btf');
    expect(compareBtf(parseBtf(ours), parseBtf(ref)).equal).toBe(true);
    expect(Buffer.compare(Buffer.from(ours), Buffer.from(ref))).toBe(0);
  });
});
