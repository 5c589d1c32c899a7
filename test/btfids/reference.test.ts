// Our results against the kernel's own resolve_btfids binary, when one is available (RESOLVE_BTFIDS or the corpus copy).

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeBtf } from '../../src/btf/index.js';
import { resolveBtfIds } from '../../src/btfids/index.js';
import { parseElf } from '../../src/elf/index.js';
import { fixture } from '../helpers/testdata.js';
import { EXPECTED_WORDS, LAYOUT_FIXTURES, bytesToWords, fixtureBtf, fixtureSplitBtf, loadFixture } from './helpers.js';

// The corpus's resolve_btfids (BTFPOST_CORPUS), or RESOLVE_BTFIDS; skipped when neither exists.
const REF = process.env.RESOLVE_BTFIDS ?? `${process.env.BTFPOST_CORPUS ?? '/root/corpus'}/tools/resolve_btfids-6.12.117/resolve_btfids`;
const haveRef = existsSync(REF);

describe.skipIf(!haveRef)(`resolve_btfids reference binary (${REF})`, () => {
  for (const f of LAYOUT_FIXTURES) {
    for (const split of [false, true]) {
      it(`${f.file}${split ? ' (split BTF)' : ''}: the reference writes the bytes we expect and we write`, () => {
        const dir = mkdtempSync(join(tmpdir(), 'btfids-ref-'));
        try {
          const btf = split ? fixtureSplitBtf() : fixtureBtf();
          const obj = join(dir, f.file);
          writeFileSync(obj, fixture(`btfids/${f.file}`));
          writeFileSync(join(dir, 'types.btf'), serializeBtf(btf, { le: f.le }));
          const args = ['--btf', join(dir, 'types.btf')];
          if (split && btf.base) {
            writeFileSync(join(dir, 'base.btf'), serializeBtf(btf.base, { le: f.le }));
            args.push('-b', join(dir, 'base.btf'));
          }
          const r = spawnSync(REF, [...args, obj], { encoding: 'utf8' });
          expect(r.status).toBe(0);
          const theirs = parseElf(new Uint8Array(readFileSync(obj)));
          const theirBytes = theirs.sectionData(theirs.sectionByName('.BTF_ids')!);
          expect(bytesToWords(theirBytes, f.le)).toEqual(EXPECTED_WORDS);
          const ours = resolveBtfIds(loadFixture(f.file), btf);
          expect(Buffer.from(ours.patched!).equals(Buffer.from(theirBytes))).toBe(true);
          // Same warnings, same order, same wording.
          const lines = r.stderr.trim().split('\n');
          expect(lines).toEqual(ours.details.map((d) => (d.type === 'unresolved' ? `WARN: resolve_btfids: ${d.message}` : `WARN: ${d.message}`)));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
});
