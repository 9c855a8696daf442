// Two regions and a queue homed in b: the config implies one link, from a to b (warren forward tests).
import { defineConfig, defineTask } from '@warren/core';
import * as z from 'zod';

export default defineConfig({
  region: 'a',
  regions: [
    { id: 'a', location: { lat: 0, lon: 0 }, brokers: ['amqp://127.0.0.1:1'] },
    { id: 'b', location: { lat: 10, lon: 10 }, brokers: ['amqp://127.0.0.1:2'] },
  ],
  queues: { 'fx-home': { homeRegion: 'b' } },
  tasks: [defineTask({ name: 'fx.home', queue: 'fx-home', input: z.unknown() })],
});
