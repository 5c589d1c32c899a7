// The test run's commands use the temporary base cache set up for them, not the user's.

import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, it } from 'vitest';

it('runs with BTFPOST_CACHE_DIR in a temporary directory', () => {
  const dir = process.env.BTFPOST_CACHE_DIR ?? '';
  expect(dir.startsWith(tmpdir())).toBe(true);
  expect(existsSync(dir)).toBe(true);
});
