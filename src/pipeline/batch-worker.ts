// Worker process of `btfpost batch`: receives its settings, then runs the modules it is sent, one at a time.

import { BatchRunner, type BatchSettings } from './batch-job.js';

let runner: BatchRunner | null = null;
process.on('message', (m: { settings: BatchSettings } | { file: string }) => {
  if ('settings' in m) {
    runner = new BatchRunner(m.settings);
    return;
  }
  void runner!.run(m.file).then((r) => process.send!(r));
});
process.on('disconnect', () => process.exit(0));
