// WARREN_CONFIG for the CLI's process tests: its own queue on the shared broker.
import { defineConfig, defineTask } from '@warren/core';
import * as z from 'zod';

export default defineConfig({
  queues: { 'fx-cli-work': {} },
  tasks: [defineTask({ name: 'fx.echo', queue: 'fx-cli-work', input: z.unknown(), handler: (x) => x })],
});
