// A growable list of 32-bit words for hot paths.

/**
 * Words in a Uint32Array with an explicit length: `clear()` keeps the storage (a JS array emptied
 * with `length = 0` gives it back and reallocates as it refills), and values of 2^31 and up stay
 * unboxed. Read `words[0..length)`.
 */
export class WordList {
  words: Uint32Array<ArrayBuffer>;
  length = 0;

  constructor(capacity = 64) {
    this.words = new Uint32Array(Math.max(4, capacity));
  }

  push(v: number): void {
    if (this.length === this.words.length) this.grow();
    this.words[this.length++] = v;
  }

  clear(): void {
    this.length = 0;
  }

  private grow(): void {
    const a = new Uint32Array(this.words.length * 2);
    a.set(this.words);
    this.words = a;
  }
}
