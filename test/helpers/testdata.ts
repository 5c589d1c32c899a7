// Memoized access to the committed fixtures under testdata/.

import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TESTDATA = join(ROOT, 'testdata');

const cache = new Map<string, Uint8Array>();

/** Bytes of a testdata file; `.gz` files are decompressed. */
export function fixture(rel: string): Uint8Array {
  let b = cache.get(rel);
  if (!b) {
    const raw = readFileSync(join(TESTDATA, rel));
    b = rel.endsWith('.gz') ? new Uint8Array(gunzipSync(raw)) : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    cache.set(rel, b);
  }
  return b;
}

export function fixtureText(rel: string): string {
  return Buffer.from(fixture(rel)).toString('latin1');
}

export function hasFixture(rel: string): boolean {
  return existsSync(join(TESTDATA, rel));
}

/** The shipped modules cut from the corpus. */
export const MODULES = ['dummy', 'tcp_bbr', 'tcp_dctcp', 'veth', 'loop', 'nf_conntrack'] as const;

/** A seeded PRNG (mulberry32) for reproducible fuzzing. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
