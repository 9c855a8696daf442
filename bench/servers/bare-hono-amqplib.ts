/**
 * Baseline for the ingest benchmark: a bare Hono handler that publishes the same message with raw
 * amqplib on a ConfirmChannel and answers 202 after the confirm. No validation, no idempotency, no
 * result record: the floor an HTTP-to-RabbitMQ bridge can reach on this box. "The same message"
 * (the words): warren's v1 envelope fields and AMQP properties, so RabbitMQ does the same
 * work per request on both sides and the ratio measures the ingest, not the message size.
 * Run as a child process: `tsx bench/servers/bare-hono-amqplib.ts <port> <queue>`.
 */
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import amqp from 'amqplib';
import { Hono } from 'hono';

const [port, queue] = [Number(process.argv[2]), process.argv[3]!];
const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
const ch = await conn.createConfirmChannel();
await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });

const app = new Hono();
app.post('/v1/jobs', async (c) => {
  const body = await c.req.json();
  const id = randomUUID();
  const job = {
    v: 1,
    id,
    task: body.task,
    queue,
    input: body.input,
    attempt: 1,
    maxAttempts: 3,
    backoff: { kind: 'exponential', baseMs: 1000, maxMs: 300_000, jitter: true },
    enqueuedAt: new Date().toISOString(),
    origin: 'local',
    hops: [],
  };
  const props = {
    persistent: true,
    contentType: 'application/json',
    messageId: id,
    type: body.task,
    timestamp: Math.floor(Date.now() / 1000),
    mandatory: true,
  };
  await new Promise<void>((resolve, reject) =>
    ch.sendToQueue(queue, Buffer.from(JSON.stringify(job)), props, (err) => (err ? reject(err) : resolve())),
  );
  return c.json({ id, state: 'queued' }, 202);
});
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => process.send?.('ready'));
// The bench went away: exit normally, so --cpu-prof (when profiling) can write its profile.
process.on('disconnect', () => process.exit(0));
