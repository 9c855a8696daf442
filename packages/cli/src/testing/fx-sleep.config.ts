// WARREN_CONFIG for `warren dev` stop tests: FX_QUEUE names the queue; fx.sleep waits `ms`, aborting
// on its signal, on its only attempt.
import { defineConfig, defineTask } from '@warren/core';
import * as z from 'zod';

const queue = process.env.FX_QUEUE ?? 'fx-sleep-queue';

export default defineConfig({
  queues: { [queue]: {} },
  tasks: [
    defineTask({
      name: 'fx.sleep',
      queue,
      input: z.object({ ms: z.number().int().min(0) }),
      retry: { maxAttempts: 1 },
      handler: ({ ms }, ctx) =>
        new Promise((resolve, reject) => {
          const t = setTimeout(() => resolve(ms), ms);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(ctx.signal.reason);
          });
        }),
    }),
  ],
  worker: { queues: [queue] },
});
