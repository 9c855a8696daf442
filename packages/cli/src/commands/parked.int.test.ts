import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createAmqpBroker, tierName } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeParked, withParkedQueue } from '../../../../test/support/parked-queue';

const ROOT = resolve(import.meta.dirname, '../../../..');
const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `pkc-${uuidv7().slice(-8)}`;
const TIER = 1700 + Math.floor(Math.random() * 90) + 1; // a tier of this run's own
const A = `${RUN}-a`;
const B = `${RUN}-b`;

/** The real CLI against the real broker; the fixture config's queue is none of this run's. */
function warren(args: string[]): Promise<{ code: number | null; out: string; stdout: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RABBITMQ_URL: AMQP,
    WARREN_CONFIG: 'packages/cli/src/testing/fx-dlq.config.ts',
    FX_QUEUE: `${RUN}-cfg`,
    FX_FULL_QUEUE: `${RUN}-cfg-full`,
  };
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env });
  let out = '';
  let stdout = '';
  child.stdout.on('data', (b) => {
    out += b;
    stdout += b;
  });
  child.stderr.on('data', (b) => (out += b));
  return new Promise((done) => child.once('exit', (code) => done({ code, out, stdout })));
}

describe('warren parked (real RabbitMQ, the real CLI)', () => {
  let conn: ChannelModel;
  let ch: Channel;

  beforeAll(async () => {
    conn = await amqp.connect(AMQP);
    ch = await conn.createChannel();
  });
  afterAll(async () => {
    await withParkedQueue(() => takeParked(conn, (queue) => queue.startsWith(RUN)));
    for (const q of [
      A,
      `${A}.dlq`,
      B,
      `${B}.dlq`,
      `${RUN}-cfg`,
      `${RUN}-cfg.dlq`,
      `${RUN}-cfg-full`,
      `${RUN}-cfg-full.dlq`,
      tierName(TIER),
    ])
      await ch.deleteQueue(q).catch(() => {});
    await ch.deleteExchange(tierName(TIER)).catch(() => {});
    await conn.close();
  });

  // Alone among the files reading the parking queue (see withParkedQueue).
  it(
    'lists parked jobs by queue, sends back those whose queue exists again, and exits 1 for a queue still missing',
    () =>
      withParkedQueue(async () => {
        const broker = createAmqpBroker({ urls: [AMQP], healthIntervalMs: 0, delayTiersMs: [TIER] });
        await broker.connect();
        try {
          for (const [q, n] of [
            [A, 2],
            [B, 1],
          ] as const) {
            await broker.ensureQueue(q);
            for (let i = 0; i < n; i++)
              await broker.publisher.publish(q, makeJob({ queue: q, input: { i } }), { delayMs: TIER });
            await ch.deleteQueue(q); // deleted while its delayed jobs wait
            await ch.deleteQueue(`${q}.dlq`);
          }
          await eventually(async () => {
            const r = await broker.parked();
            return r.queues.filter((q) => q.queue.startsWith(RUN)).reduce((n, q) => n + q.count, 0) === 3;
          }, 15_000);
        } finally {
          await broker.close();
        }

        const listed = await warren(['parked']);
        expect(listed.code).toBe(0);
        expect(listed.out).toMatch(new RegExp(`${A}\\s+2\\s+queue missing`));
        expect(listed.out).toMatch(new RegExp(`${B}\\s+1\\s+queue missing`));

        await ch.assertQueue(A, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        const released = await warren(['parked', '--release', '--queue', A]);
        expect(released.out).toMatch(new RegExp(`${A}\\s+2\\s+queue exists, 2 sent back`));
        expect(released.code).toBe(0);
        await eventually(async () => (await ch.checkQueue(A)).messageCount === 2, 5_000);

        const stuck = await warren(['parked', '--release', '--queue', B]);
        expect(stuck.code).toBe(1);
        expect(stuck.out).toMatch(new RegExp(`${B} still missing`));
        // stdout alone: stderr may say the CLI runs from the sources (a build older than them).
        const json = JSON.parse((await warren(['parked', '--json'])).stdout);
        expect(json.queues.filter((q: { queue: string }) => q.queue.startsWith(RUN))).toEqual([
          { queue: B, count: 1, exists: false, released: 0, refused: 0 },
        ]);
      }),
    90_000,
  );
});
