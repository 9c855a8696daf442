// WARREN_CONFIG for `warren dlq` process tests: FX_QUEUE names the queue, FX_FULL_QUEUE a second one
// holding at most one job (its publishes are refused once it holds one).
import { defineConfig, defineTask } from '@warren/core';
import * as z from 'zod';

const queue = process.env.FX_QUEUE ?? 'fx-dlq-queue';
const full = process.env.FX_FULL_QUEUE ?? 'fx-dlq-full';

export default defineConfig({
  queues: { [queue]: {}, [full]: { type: 'classic', maxLength: 1 } },
  // No handler: the test's own worker runs them.
  tasks: [
    defineTask({ name: 'fx.flaky', queue, input: z.object({ n: z.number() }), retry: { maxAttempts: 1 } }),
  ],
});
