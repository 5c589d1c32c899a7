// Where the kernel corpus is and which modules it holds, for the corpus-wide scripts.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The corpus root (BTFPOST_CORPUS) and its 6.12 kernel directory. */
export const CORPUS = process.env.BTFPOST_CORPUS ?? '/root/corpus';
export const K612 = join(CORPUS, '6.12.117+deb12-amd64');

/** Every *.ko below `dir`, sorted. */
export function modulesUnder(dir) {
  const walk = (d) => readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ko') ? [p] : [];
  });
  return walk(dir).sort();
}

/** The modules named on the command line, or all shipped corpus modules. */
export function moduleArgs(argv = process.argv.slice(2)) {
  return argv.length > 0 ? argv : modulesUnder(join(K612, 'modules'));
}
