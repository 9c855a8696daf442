/**
 * The warren side of the ingest benchmark: the real ingest app as production runs it (bearer
 * auth with two API keys, validation, producer with confirms through the amqp adapter, job record
 * in Redis) on the Node adapter. The production entry points refuse to start without keys, so
 * an open ingest would measure a configuration nobody deploys.
 * Run as a child process: `tsx bench/servers/warren-ingest.ts <port> <queue> <redisPrefix> <apiKey>`.
 */
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import * as z from 'zod';
import { formatProfile, startProfile } from '../lib/profile';

const [port, queue, prefix, apiKey] = [
  Number(process.argv[2]),
  process.argv[3]!,
  process.argv[4]!,
  process.argv[5]!,
];
const config = defineConfig({
  auth: {
    keys: [
      { key: 'wk_other_0b8e5d3a9c1f7264e0b8d5a3', name: 'other' },
      { key: apiKey, name: 'bench' },
    ],
  },
  queues: { [queue]: { type: 'quorum' } },
  tasks: [defineTask({ name: 'demo.add', queue, input: z.object({ a: z.number(), b: z.number() }) })],
});
const broker = createAmqpBroker({ urls: ['amqp://guest:guest@127.0.0.1:5672'], queues: config.queues });
await broker.connect();
const results = createRedisResultStore({ redis: new Redis('redis://127.0.0.1:6379'), prefix });
const producer = createProducer({
  config,
  publishers: new Map([[config.region, broker.publisher]]),
  results,
});
await serveNode(createIngestApp({ config, producer, results }), port);
process.send?.('ready');
// --profile: the bench asks for a CPU profile of the measured window only (not start-up, not warm-up).
let prof: Awaited<ReturnType<typeof startProfile>> | undefined;
process.on('message', async (msg: { profile?: 'start' | 'stop'; file?: string }) => {
  if (msg.profile === 'start') prof = await startProfile();
  else if (msg.profile === 'stop' && prof && msg.file) {
    const summary = await prof.stop(msg.file);
    process.send?.({ profileText: formatProfile('warren ingest server', summary) });
  }
});
// The bench went away: exit normally, so --cpu-prof (when profiling) can write its profile.
process.on('disconnect', () => process.exit(0));
