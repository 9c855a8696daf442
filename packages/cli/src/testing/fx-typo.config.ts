// A config with a misspelt key (queus): loadConfig must name the file and the field.
import { defineConfig, defineTask } from '@warren/core';
import * as z from 'zod';

export default defineConfig({
  queus: { 'fx-typo': { type: 'classic' } },
  tasks: [defineTask({ name: 'fx.typo', queue: 'fx-typo', input: z.unknown(), handler: (x) => x })],
} as Parameters<typeof defineConfig>[0]);
