import { randomInt } from 'node:crypto';
import net from 'node:net';
import { defineConfig, defineTask } from '@warren/core';
import { createClient } from '@warren/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../support/ports';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

/**
 * `wait` rides out a short outage of the ingest (a rolling deploy, a restart: connections refused
 * for 3 s) within its timeout, as BullMQ's waitUntilFinished rides out a Redis reconnect. The Node
 * ingest over real RabbitMQ (:5672) and Redis (:6379), reached through a TCP forwarder on a fixed
 * port that stops listening and listens again; the job is cancelled (terminal) after it is back.
 */
const RUN = `h60wr${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-work`;
const config = defineConfig({
  queues: { [QUEUE]: {} },
  tasks: [defineTask({ name: 'wr.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP forwarder on `port` to `target` that can stop listening (refusing connections) and start again. */
function forwarder(port: number, target: number) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  return {
    up: () =>
      new Promise<void>((resolve) => {
        server = net.createServer((client) => {
          const upstream = net.connect({ port: target, host: '127.0.0.1' });
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('close', () => sockets.delete(s));
            s.on('error', () => {});
          }
          client.pipe(upstream).pipe(client);
          client.on('close', () => upstream.destroy());
          upstream.on('close', () => client.destroy());
        });
        server.listen(port, '127.0.0.1', resolve);
      }),
    down: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server ? server.close(() => resolve()) : resolve();
        server = undefined;
      }),
  };
}

describe('SDK wait across an ingest restart (real RabbitMQ + Redis)', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  let fwd: ReturnType<typeof forwarder>;
  let url = '';

  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
    const port = await freePort();
    fwd = forwarder(port, Number(new URL(ingest.url).port));
    await fwd.up();
    url = `http://127.0.0.1:${port}`;
  }, 60_000);
  afterAll(async () => {
    await fwd?.down();
    await ingest?.close();
  });

  it('a wait of 10 s answers the job that ended after a 3 s outage, instead of failing in it', async () => {
    const direct = createClient({ url: ingest.url });
    const job = await direct.enqueue('wr.echo', 'never run');
    const client = createClient({ url });
    const started = Date.now();
    const waiting = client.wait(job, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    await sleep(500);
    await fwd.down(); // the long-poll is cut, new connections are refused
    await sleep(3_000);
    await fwd.up();
    await sleep(1_000);
    await direct.cancel(job.id);
    const rec = await waiting;
    expect(rec).toMatchObject({ id: job.id, state: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('an ingest that stays down: the wait fails with the network error near its timeout, not at once', async () => {
    const direct = createClient({ url: ingest.url });
    const job = await direct.enqueue('wr.echo', 'never run');
    await fwd.down();
    try {
      const started = Date.now();
      const err = await createClient({ url })
        .wait(job, { timeoutMs: 3_000 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TypeError); // fetch's own 'fetch failed' (ECONNREFUSED)
      expect(Date.now() - started).toBeGreaterThan(1_500); // retried, within the wait
      expect(Date.now() - started).toBeLessThan(4_500);
    } finally {
      await fwd.up();
    }
  });
});
