// WARREN_CONFIG for CLI process tests that need a queue of their own: FX_QUEUE names it.
import { defineConfig, defineTask } from '@warren/core';
import * as z from 'zod';

const queue = process.env.FX_QUEUE ?? 'fx-cli-queue';

export default defineConfig({
  queues: { [queue]: {} },
  // No handler: jobs stay queued (nothing here runs them).
  tasks: [defineTask({ name: 'fx.idle', queue, input: z.unknown() })],
});
