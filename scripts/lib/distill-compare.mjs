// Helper of distill-compare.sh; stdin lines: NAME PLAIN_SPLIT_KO REFERENCE_KO BPFTOOL_RELOCATED_DUMP
import { readFileSync } from 'node:fs';
import { parseBtf, serializeBtf } from '../../dist/btf/index.js';
import { parseElf } from '../../dist/elf/index.js';
import { btfFromBytes } from '../../dist/btf/load.js';
import { distillBase } from '../../dist/btf/distill/index.js';
import { relocateBtf } from '../../dist/btf/relocate/index.js';
import { dumpRawString } from '../../dist/btf/dump/raw.js';

const vmlinux = parseBtf(readFileSync(process.argv[2]));
const same = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
let distilled = 0;
let relocated = 0;
let n = 0;
for (const line of readFileSync(0, 'latin1').trim().split('\n')) {
  const [name, plainKo, refKo, bpftoolDump] = line.split(' ');
  n++;
  const { btf: plain } = btfFromBytes(readFileSync(plainKo), plainKo, { base: vmlinux });
  const { base, split } = distillBase(plain);
  const ref = parseElf(readFileSync(refKo), refKo);
  const refBtf = ref.sectionData(ref.sectionByName('.BTF'));
  const refBase = ref.sectionData(ref.sectionByName('.BTF.base'));
  const okSplit = same(serializeBtf(split), refBtf);
  const okBase = same(serializeBtf(base), refBase);
  if (okSplit && okBase) distilled++;
  else console.log(`${name}: distill differs (.BTF ${okSplit ? 'same' : 'differs'}, .BTF.base ${okBase ? 'same' : 'differs'})`);
  const { btf: onDistilled } = btfFromBytes(readFileSync(refKo), refKo);
  const { btf: moved } = relocateBtf(onDistilled, vmlinux, { file: refKo });
  if (dumpRawString(moved) === readFileSync(bpftoolDump, 'latin1')) relocated++;
  else console.log(`${name}: relocated view differs from bpftool's`);
}
console.log(`distill byte-identical to pahole 1.30 (.BTF and .BTF.base): ${distilled}/${n}`);
console.log(`relocated onto the 6.12 vmlinux, same as bpftool 7.5: ${relocated}/${n}`);
