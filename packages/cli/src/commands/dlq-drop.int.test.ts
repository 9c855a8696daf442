import { type AmqpBroker, createAmqpBroker, deadLetterProperties, warrenCodec } from '@warren/amqp';
import { defineConfig, defineTask, uuidv7 } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { AMQP, cleanUpDlqRun, dlqRun, warrenCli } from '../testing/dlq-cli-run';

const R = dlqRun(`h80-dlqx-${uuidv7().slice(-8)}`);
const Q = R.queue;
const config = defineConfig({
  queues: { [Q]: {} },
  tasks: [defineTask({ name: 'fx.flaky', queue: Q, input: z.object({ n: z.number() }) })],
});
let broker: AmqpBroker;

/** The real CLI (no REDIS_URL: a drop needs none). */
const warren = (args: string[]) => warrenCli(R, args, { redis: false });
/** Old job ids left in the DLQ ('?': unreadable), once they settle to `want`. */
const left = async (want: string[]) => {
  const ids = async () =>
    (await broker.peekDeadLetters(Q, 10, { decode: true })).map((r) =>
      r.decoded?.ok ? r.decoded.job.id : '?',
    );
  await eventually(async () => JSON.stringify(await ids()) === JSON.stringify(want), 5000).catch(() => {});
  return ids();
};
const [a, b] = [1, 2].map((n) => makeJob({ task: 'fx.flaky', queue: Q, input: { n } }));

beforeAll(async () => {
  broker = createAmqpBroker({ urls: [AMQP], queues: config.queues, healthIntervalMs: 0 });
  await broker.connect();
  const send = async (content: Buffer, props: object) =>
    broker.sendDeadLetter(Q, content, deadLetterProperties({ properties: props as never }, Q, 'boom'));
  for (const job of [a!, b!]) {
    const msg = warrenCodec.encode(job);
    await send(msg.content, msg.properties);
  }
  await send(Buffer.from('not json'), { messageId: 'raw-1' });
});
afterAll(async () => {
  await broker?.close();
  await cleanUpDlqRun(R);
});

describe('warren dlq drop (real RabbitMQ)', () => {
  // Five CLI runs (a process start each): on a loaded 2-core box 30 s was not enough.
  it('removes only the letters chosen, each printed; nothing without a choice; a missing id exits 1', async () => {
    const none = await warren(['dlq', 'drop', Q]);
    expect(none.code).toBe(2); // a usage error
    expect(none.out).toMatch(/pass --all, or --id <jobId>\.\.\. and\/or --unreadable/);
    // An SQS URL without --sqs was ignored: RabbitMQ's DLQ was the one emptied.
    const notSqs = await warren(['dlq', 'drop', Q, '--all', '--sqs-queue-url', 'http://127.0.0.1:1/q/x']);
    expect(notSqs.code, notSqs.out).toBe(2);
    expect(notSqs.out).toMatch(/--sqs-queue-url and --sqs-endpoint go with --sqs/);

    const dry = await warren(['dlq', 'drop', Q, '--unreadable', '--id', a!.id, '--dry-run']);
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toMatch(/2 would be dropped \(dry run: nothing removed\); 1 not chosen \(left\)/);
    expect(await left([a!.id, b!.id, '?'])).toEqual([a!.id, b!.id, '?']);

    const missing = uuidv7();
    const drop = await warren(['dlq', 'drop', Q, '--unreadable', '--id', `${a!.id},${missing}`]);
    expect(drop.code, drop.out).toBe(1);
    expect(drop.out).toMatch(new RegExp(`dropped  ${a!.id}  fx\\.flaky  attempt 1/\\d+  .*boom`));
    expect(drop.out).toMatch(/dropped {2}\(unreadable\) {2}raw-1 /);
    expect(drop.out).toContain(
      `2 dropped from ${Q}.dlq; 1 not chosen (left); not found among them: ${missing}`,
    );
    expect(await left([b!.id])).toEqual([b!.id]);
  }, 60_000);
});
