// Writing large text to stdout without building one giant string, and quietly on a closed pipe.

import { writeSync } from 'node:fs';

/** A sink that batches text chunks and writes them to a file descriptor synchronously. */
export class TextSink {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd: number = 1, private readonly threshold = 1 << 20) {}

  write(s: string): void {
    this.parts.push(s);
    this.size += s.length;
    if (this.size >= this.threshold) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'latin1');
    this.parts = [];
    this.size = 0;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EPIPE') return;
        throw e;
      }
    }
  }
}
