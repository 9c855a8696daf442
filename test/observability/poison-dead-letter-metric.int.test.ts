import { uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import amqp from 'amqplib';
import { expect, it } from 'vitest';
import { AMQP_URL, cleanUpRun } from '../ingest/support';
import { freePort } from '../support/ports';
import { startWorkerProcess } from '../worker/support/worker-process';
import { sample } from './prom-text';

// A message the worker cannot read (not JSON, a Celery v1 body, a producer on the wrong codec)
// goes to <queue>.dlq without reaching the executor, so no job metric counted it and no line was
// logged: the DLQ filled while every dead-letter alert stayed quiet.
it('warren worker counts every message it moves to the DLQ, unreadable ones too', async () => {
  const q = `obs-poison-${uuidv7().slice(-8)}`;
  const port = await freePort();
  const w = startWorkerProcess(q, {
    RABBITMQ_URL: AMQP_URL,
    REDIS_URL: 'redis://127.0.0.1:6379',
    METRICS_PORT: String(port),
  });
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createChannel();
  try {
    await w.ready;
    ch.sendToQueue(q, Buffer.from('{not json'), { contentType: 'application/json' });
    ch.sendToQueue(q, Buffer.from('[]'), { contentType: 'application/json' });
    const text = await eventually(async () => {
      const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return sample(t, 'warren_queue_dead_lettered_total', { queue: q }) === 2 ? t : undefined;
    }, 15_000).catch(async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    expect(sample(text, 'warren_queue_dead_lettered_total', { queue: q })).toBe(2);
    expect((await ch.checkQueue(`${q}.dlq`)).messageCount).toBe(2);
    // No WARREN_API_KEYS in this worker: its open /status.json (error messages) is said at start.
    await eventually(() => /answer without a key \(no WARREN_API_KEYS here\)/.test(w.output()), 5_000);
  } finally {
    w.child.kill('SIGTERM');
    await w.exited;
    await conn.close();
    await cleanUpRun(q, undefined, '');
  }
}, 40_000);
