import { randomInt } from 'node:crypto';
import { defineConfig, defineTask } from '@warren/core';
import { createClient, WaitTimeoutError } from '@warren/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * `wait({ timeoutMs })` ends at its timeout, for a job that never finishes (nothing consumes its
 * queue) on the Node ingest over real RabbitMQ (:5672) and Redis (:6379), and when the network to
 * the ingest stalls (a TCP proxy holding every chunk for a minute): the caller's timeout, not the
 * client's own grace for a long-poll's answer, bounds the call.
 */
const RUN = `h60wt${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: {} },
  tasks: [defineTask({ name: 'wt.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

describe('SDK wait ends at its timeout (real RabbitMQ + Redis)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let proxy: TcpProxy;
  let id = '';

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    proxy = await startTcpProxy(Number(new URL(ingest.url).port));
    id = (await createClient({ url: ingest.url }).enqueue('wt.echo', 'never run')).id;
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await ingest?.close();
  });

  it('a job that never finishes: WaitTimeoutError at the timeout', async () => {
    const client = createClient({ url: `http://127.0.0.1:${proxy.port}` });
    const started = Date.now();
    const err = await client.wait(id, { timeoutMs: 1_500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_450);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('a stalled network: the wait fails within a second of its timeout, not 5 s after it', async () => {
    proxy.delayMs = 60_000;
    const client = createClient({ url: `http://127.0.0.1:${proxy.port}` });
    const started = Date.now();
    const err = await client.wait(id, { timeoutMs: 1_000 }).catch((e: unknown) => e);
    const took = Date.now() - started;
    proxy.delayMs = 0;
    proxy.cut();
    expect((err as Error).message).toMatch(/^no answer from http:.* within the deadline$/);
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(2_500);
  });
});
