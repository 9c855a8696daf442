// WARREN_CONFIG for the consumer_timeout warning test: a task allowed 45 min, on its own queue.
import { defineConfig, defineTask } from '@warren/core';
import * as z from 'zod';

export default defineConfig({
  queues: { 'h54-fx-long-task': { type: 'classic' } },
  tasks: [
    defineTask({
      name: 'fx.long',
      queue: 'h54-fx-long-task',
      input: z.unknown(),
      timeoutMs: 45 * 60_000,
      handler: (x) => x,
    }),
    defineTask({ name: 'fx.short', queue: 'h54-fx-long-task', input: z.unknown(), handler: (x) => x }),
  ],
});
