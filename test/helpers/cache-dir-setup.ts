// Global setup: the commands under test keep their base cache in a temporary directory (removed
// afterwards), never in the user's ~/.cache. Test processes and the commands they spawn inherit it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'btfpost-test-cache-'));
  process.env.BTFPOST_CACHE_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
