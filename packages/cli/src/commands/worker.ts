import { createWorker } from '@warren/worker';
import { createRuntime } from '../runtime/create-runtime';
import { loadConfig } from '../runtime/load-config';
import { onShutdown } from '../runtime/shutdown';

export interface WorkerCommandOptions {
  queues?: string[];
  concurrency?: number;
}

/** `warren worker`: the long-running worker alone. */
export async function worker(opts: WorkerCommandOptions): Promise<void> {
  const config = await loadConfig();
  const rt = await createRuntime(config);
  const w = createWorker({
    config,
    consumer: rt.consumer,
    results: rt.results,
    queues: opts.queues,
    concurrency: opts.concurrency,
    onError: (err, d) => console.error(`job ${d.job.id}: infrastructure error, released`, err),
  });
  await w.start();
  console.log(`warren worker ${w.workerId} consuming ${w.queues.join(', ')}`);
  for (const line of rt.describe) console.log(`  ${line}`);
  onShutdown(async () => {
    await w.stop();
    await rt.close();
  });
}
