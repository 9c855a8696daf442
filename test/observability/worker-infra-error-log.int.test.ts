import { createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { serveRedisRest } from '@warren/results';
import { expect, it } from 'vitest';
import { AMQP_URL, cleanUpRun } from '../ingest/support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

import { startWorkerProcess } from '../worker/support/worker-process';

// `warren worker` printed a delivery it released on an infrastructure error (result store down)
// with console.error: a multi-line inspect dump beside the JSON lines, past the logger and its
// redaction. A store URL with credentials (fetch refuses it, naming the whole URL) put the
// password on stderr once per delivery.
it('a released delivery is logged as one JSON line with the store secret never printed', async () => {
  const q = `obs-infra-${uuidv7().slice(-8)}`;
  // The store answers the worker's start-up check, then goes away: every write then fails.
  const rest = await serveRedisRest({ port: 18_593, redisUrl: REDIS_URL, token: 's3cret-pw' });
  const w = startWorkerProcess(q, {
    RABBITMQ_URL: AMQP_URL,
    REDIS_URL: '',
    UPSTASH_REDIS_REST_URL: rest.url,
    UPSTASH_REDIS_REST_TOKEN: 's3cret-pw', // a secret the lines must never carry
  });
  const broker = createAmqpBroker({ urls: [AMQP_URL] });
  try {
    await w.ready;
    await rest.close();
    await broker.connect();
    const job = makeJob({ task: 'w.mark', queue: q, input: { ms: 1 } });
    await broker.publisher.publish(q, job);
    const line = await eventually(() => {
      for (const l of w.output().split('\n')) {
        if (!l.startsWith('{')) continue;
        const o = JSON.parse(l) as Record<string, unknown>;
        if (o.jobId === job.id && o.level === 'error') return o;
      }
      return undefined;
    }, 15_000);
    expect(line).toMatchObject({ task: 'w.mark', queue: q, err: { type: 'TransportError' } });
    expect(w.output()).not.toContain('s3cret-pw');
  } finally {
    w.child.kill('SIGTERM');
    await w.exited;
    await broker.close();
    await cleanUpRun(q, undefined, '');
  }
}, 40_000);
