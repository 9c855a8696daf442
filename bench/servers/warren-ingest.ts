/**
 * The warren side of the ingest benchmark: the real ingest app (validation, auth off, producer with
 * confirms through the amqp adapter, job record in Redis) on the Node adapter.
 * Run as a child process: `tsx bench/servers/warren-ingest.ts <port> <queue> <redisPrefix>`.
 */
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, defineConfig, defineTask } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore } from '@warren/results';
import { Redis } from 'ioredis';
import * as z from 'zod';

const [port, queue, prefix] = [Number(process.argv[2]), process.argv[3]!, process.argv[4]!];
const config = defineConfig({
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
// The bench went away: exit normally, so --cpu-prof (when profiling) can write its profile.
process.on('disconnect', () => process.exit(0));
