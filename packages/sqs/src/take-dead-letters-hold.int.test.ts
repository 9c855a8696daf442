import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { uuidv7 } from '@warren/core';
import { makeJob, sleep } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/ports';
import { takeSqsDeadLetters } from './take-dead-letters';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

const RUN = `h57-sqsh-${uuidv7().slice(-8)}`;
let sqs: LocalSqs;

beforeAll(async () => {
  sqs = await startLocalSqs(await freePort());
});
afterAll(async () => {
  await sqs?.close();
});

/** A DLQ holding `n` letters (FIFO: one message group each, as warren sends them). */
async function dlqWith(name: string, n: number, fifo = false) {
  const { url } = await sqs.createQueue(fifo ? `${name}.fifo` : name, { fifo });
  for (let i = 0; i < n; i++) {
    const job = makeJob({ input: { i } });
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: JSON.stringify(job),
        ...(fifo ? { MessageGroupId: job.id, MessageDeduplicationId: job.id } : {}),
      }),
    );
  }
  return url;
}

/**
 * `warren dlq replay --sqs` takes its letters (up to --limit) hidden for 5 min, then replays them
 * one by one: a replay that outlasted the hold (about 1,500 letters at 200 ms each from a laptop)
 * had its later letters visible again while it still held them (another reader, a `dlq list`,
 * took them, and the replay's delete then left them in place), and on a FIFO DLQ each of those
 * deletes was refused ('the receipt handle has expired'), stopping the replay.
 */
describe.concurrent('an SQS dead-letter take held past its hold (local-aws-sqs, hold 3 s)', () => {
  it('keeps its letters hidden while it holds them, and deletes them after', async () => {
    const url = await dlqWith(`${RUN}-std`, 3);
    const take = await takeSqsDeadLetters(sqs.client, url, 10, 3);
    expect(take.letters).toHaveLength(3);
    await sleep(4000); // a replay still at work
    expect(await sqs.receive(url, 0)).toHaveLength(0);
    for (const l of take.letters) await take.ack(l);
    await take.end();
    expect(await sqs.receive(url, 0)).toHaveLength(0); // deleted, none handed back
  }, 30_000);

  it('FIFO: a letter acked after the hold is deleted, not refused', async () => {
    const url = await dlqWith(`${RUN}-fifo`, 2, true);
    const take = await takeSqsDeadLetters(sqs.client, url, 10, 3);
    expect(take.letters).toHaveLength(2);
    await sleep(4000);
    for (const l of take.letters) await take.ack(l);
    await take.end();
    expect(await sqs.receive(url, 0)).toHaveLength(0);
  }, 30_000);
});
