import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { type AmqpBroker, createAmqpBroker, deadLetterProperties, dlqName, warrenCodec } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { cleanUpDlqRun, dlqRun } from '../testing/dlq-cli-run';

const ROOT = resolve(import.meta.dirname, '../../../..');
const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `h80-dlqi-${uuidv7().slice(-8)}`;
const Q = `${RUN}-work`;
const PREFIX = `${RUN}:`;
const N = 30;
const config = defineConfig({
  queues: { [Q]: {} },
  tasks: [defineTask({ name: 'fx.flaky', queue: Q, input: z.object({ n: z.number() }) })],
});
let broker: AmqpBroker;

/** The real CLI over the fixture config; `onLine` sees each stdout line as it comes. */
function replay(onLine?: (line: string, kill: (sig: NodeJS.Signals) => void) => void) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RABBITMQ_URL: AMQP,
    REDIS_URL: REDIS,
    WARREN_REDIS_PREFIX: PREFIX,
    WARREN_CONFIG: 'packages/cli/src/testing/fx-dlq.config.ts',
    FX_QUEUE: Q,
    FX_FULL_QUEUE: `${RUN}-full`,
  };
  delete env.UPSTASH_REDIS_REST_URL;
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dlq', 'replay', Q, '--all'], {
    cwd: ROOT,
    env,
  });
  let out = '';
  let err = '';
  let partial = '';
  child.stdout.on('data', (b) => {
    out += b;
    partial += b;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) onLine?.(l, (sig) => child.kill(sig));
  });
  child.stderr.on('data', (b) => (err += b));
  return new Promise<{ code: number | null; out: string; err: string }>((done) =>
    child.once('exit', (code) => done({ code, out, err })),
  );
}
const depth = async (q: string) => (await broker.checkQueue(q)).messageCount;
const replayed = (out: string) => out.split('\n').filter((l) => l.includes(' → '));

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  await Promise.all(
    Array.from({ length: N }, (_, n) => {
      const msg = warrenCodec.encode(makeJob({ task: 'fx.flaky', queue: Q, input: { n } }));
      const props = deadLetterProperties({ properties: msg.properties as never }, Q, 'boom');
      return broker.sendDeadLetter(Q, msg.content, props);
    }),
  );
}, 30_000);

afterAll(async () => {
  await broker?.close();
  await cleanUpDlqRun(dlqRun(RUN));
});

describe('warren dlq replay interrupted (real RabbitMQ + Redis)', () => {
  it('SIGINT stops after the letter in hand, says what it replayed, and a second run does the rest once', async () => {
    let signalled = false;
    const first = await replay((line, kill) => {
      if (!signalled && line.includes(' → ')) {
        signalled = true;
        kill('SIGINT');
      }
    });
    expect(first.code, first.out + first.err).toBe(130);
    expect(first.err).toMatch(/SIGINT: stopping after the letter in hand/);
    expect(first.out).toMatch(/not reached \(interrupted by SIGINT; left in /);
    expect(first.err).toMatch(/interrupted by SIGINT; run it again/);
    const done = replayed(first.out);
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(N);
    // Each job it says it replayed is on the queue, once; the others are still letters.
    await eventually(async () => (await depth(Q)) === done.length, 5000).catch(() => {});
    expect(await depth(Q)).toBe(done.length);
    await eventually(async () => (await depth(dlqName(Q))) === N - done.length, 5000).catch(() => {});
    expect(await depth(dlqName(Q))).toBe(N - done.length);

    const second = await replay();
    expect(second.code, second.out + second.err).toBe(0);
    expect(second.out).not.toMatch(/NOT replayed|replayed before/);
    expect(replayed(second.out).length).toBe(N - done.length);
    await eventually(async () => (await depth(Q)) === N, 5000).catch(() => {});
    expect(await depth(Q)).toBe(N);
  }, 60_000);
});
