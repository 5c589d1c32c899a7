// Worker thread of `btfpost batch`: runs modules it is sent, one at a time.

import { parentPort, workerData } from 'node:worker_threads';
import { BatchRunner, type BatchSettings } from './batch-job.js';

const runner = new BatchRunner(workerData as BatchSettings);
parentPort!.on('message', (file: string) => {
  void runner.run(file).then((r) => parentPort!.postMessage(r));
});
