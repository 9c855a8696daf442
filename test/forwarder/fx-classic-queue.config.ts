import { defineConfig } from '@warren/core';

// WARREN_CONFIG for drain-classic-dlq.int.test.ts: its source queue (a per-run name) is classic.
export default defineConfig({
  tasks: [],
  queues: { [process.env.FX_FWD_CLASSIC_QUEUE ?? 'fx-fwd-classic']: { type: 'classic' } },
});
