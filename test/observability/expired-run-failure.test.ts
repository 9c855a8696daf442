import {
  createProducer,
  defineConfig,
  defineTask,
  MemoryBroker,
  MemoryResultStore,
  RetryAfterError,
} from '@warren/core';
import { eventually } from '@warren/core/testing';
import { createLogger, createObservability } from '@warren/observability';
import { createWorker } from '@warren/worker';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { renderStatus } from '../../packages/cli/src/commands/status';

// A run that threw with its retry due after the job's expiresAt ends the job 'expired', its error
// kept (8a51fc9): no DLQ letter, no failed count, and it was left out of the recent failures, so
// the dashboard and warren status showed the job's last run nowhere (its earlier retries only).
it("lists a run that ended its job expired with the run's error", async () => {
  const config = defineConfig({
    tasks: [
      defineTask({
        name: 'late.call',
        input: z.unknown(),
        handler: () => {
          throw new RetryAfterError('upstream said retry in 60 s', 60_000);
        },
      }),
    ],
  });
  const broker = new MemoryBroker();
  const results = new MemoryResultStore();
  const obs = createObservability({ config, logger: createLogger({ level: 'silent' }) });
  const producer = createProducer({ config, publishers: new Map([['local', broker]]), results });
  const worker = createWorker({ config, consumer: broker, results, onEvent: obs.executorEvents });
  try {
    await worker.start();
    const { response } = await producer.enqueue({ task: 'late.call', input: {}, expiresInMs: 5000 });
    await eventually(async () => (await results.get(response.id))?.state === 'expired', 5000);
    const snap = await obs.status();
    expect(snap.recentFailures).toMatchObject([
      {
        jobId: response.id,
        outcome: 'expired',
        error: { type: 'RetryAfterError', message: 'upstream said retry in 60 s' },
      },
    ]);
    const row = renderStatus(snap)
      .split('\n')
      .find((l) => l.includes(response.id))!;
    expect(row).toMatch(/expired +RetryAfterError: upstream said retry in 60 s/);
  } finally {
    await worker.stop(1000);
    await broker.close();
  }
});
