// V8's inlining budget while a small input is encoded.
//
// A module with a few MB of DWARF is encoded and deduplicated in about a second, most of it before
// V8 has optimized the code doing it. Its optimizing compiler, on background threads, spends more
// CPU than that on the encoder's functions (for ext4.ko, 1.6 s compiling 318 of them, 40-60 ms
// for the largest), and until each lands its caller runs unoptimized. With a smaller budget for
// inlining, those compiles cost less and land sooner. A large input (i915.ko, a vmlinux) runs long
// enough for the better-inlined code to pay off: a vmlinux is about 10% slower with the small
// budget, so it keeps V8's default. The budget only steers the optimizer: the code computes the
// same either way.
//
// BTFPOST_COMPILER_TUNING=0 turns this off. The build's code cache runs (scripts/code-cache.mjs)
// do: V8 takes a code cache only under the flags it was made with, so theirs must be made under the
// flags a fresh process has, and what is put back here is V8's default as this module knows it.

import { v8 } from './lazy-builtin.js';

const FLAG = 'max-inlined-bytecode-size-cumulative';
/** V8's default for FLAG, put back when the last small input is done. */
const V8_DEFAULT = 920;
/** FLAG while a small input is encoded. */
const SMALL_INPUT = 150;

let active = 0;

/**
 * Use the small input's inlining budget until the returned function is called (once per call of
 * this one; overlapping uses keep it until the last ends). Nothing changes when Node was started
 * with its own value for the flag, or with BTFPOST_COMPILER_TUNING=0.
 */
export function smallInputTuning(): () => void {
  if (process.env.BTFPOST_COMPILER_TUNING === '0') return () => {};
  if (process.execArgv.some((a) => a.replace(/_/g, '-').startsWith(`--${FLAG}`))) return () => {};
  if (active++ === 0) setBudget(SMALL_INPUT);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    // Back to V8's own value, for whatever this process runs next.
    if (--active === 0) setBudget(V8_DEFAULT);
  };
}

function setBudget(n: number): void {
  v8().setFlagsFromString(`--${FLAG}=${n}`);
}
