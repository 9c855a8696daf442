import { type AmqpBroker, createAmqpBroker, deadLetterProperties, dlqName, warrenCodec } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { AMQP, cleanUpDlqRun, dlqRun, warrenCli } from '../testing/dlq-cli-run';

const R = dlqRun(`h80-dlqd-${uuidv7().slice(-8)}`);
const Q = R.queue;
const config = defineConfig({
  queues: { [Q]: {} },
  tasks: [defineTask({ name: 'fx.flaky', queue: Q, input: z.object({ n: z.number() }) })],
});
let broker: AmqpBroker;

const warren = (args: string[]) => warrenCli(R, args);
const depth = async (q: string) => (await broker.checkQueue(q)).messageCount;
/** A letter of `job` as the worker dead-letters it, dead `ago` ms ago. */
const deadLetter = async (job: ReturnType<typeof makeJob>, reason: string, ago: number) => {
  const msg = warrenCodec.encode(job);
  const props = deadLetterProperties({ properties: msg.properties as never }, Q, reason);
  props.headers!['x-warren-dead-at'] = Date.now() - ago;
  await broker.sendDeadLetter(Q, msg.content, props);
};

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
});
afterAll(async () => {
  await broker?.close();
  await cleanUpDlqRun(R);
});

describe('warren dlq replay of a job with two letters (real RabbitMQ + Redis)', () => {
  // The worker dead-letters a failed job's redelivery again (settle-delivery's deadLetterAgain:
  // its first DLQ copy may not have been confirmed), so one death can leave two letters.
  it('--id and --all enqueue the job once and remove both letters', async () => {
    const [a, b] = [1, 2].map((n) => makeJob({ task: 'fx.flaky', queue: Q, input: { n } }));
    for (const job of [a!, b!]) {
      await deadLetter(job, 'failed after 1 attempts: Error: boom', 2000);
      await deadLetter(
        job,
        'already failed; redelivered after its dead-lettering, dead-lettered again',
        1000,
      );
    }
    const one = await warren(['dlq', 'replay', Q, '--id', a!.id]);
    expect(one.code, one.out).toBe(0);
    expect(one.out.match(/ → /g)).toHaveLength(1);
    expect(one.out).toMatch(new RegExp(`${a!.id}  fx\\.flaky  another letter of the same job: removed`));
    // --json: one report, each outcome with its kind (what a nightly script parses).
    const all = await warren(['dlq', 'replay', Q, '--all', '--json']);
    expect(all.code, all.out).toBe(0);
    const report = JSON.parse(all.out.slice(all.out.indexOf('{')));
    expect(report).toMatchObject({ queue: Q, dlq: dlqName(Q), dryRun: false, notFound: [], skipped: 0 });
    expect(report.outcomes.map((o: { kind: string; oldId: string }) => [o.kind, o.oldId])).toEqual([
      ['replayed', b!.id],
      ['duplicate', b!.id],
    ]);
    expect(all.out).not.toMatch(/ → /);
    await eventually(async () => (await depth(dlqName(Q))) === 0, 5000).catch(() => {});
    expect(await depth(dlqName(Q))).toBe(0);
    expect(await depth(Q)).toBe(2); // one new job per dead job
  }, 30_000);
});
