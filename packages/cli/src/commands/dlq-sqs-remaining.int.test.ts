import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { defineConfig, uuidv7 } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../../test/support/ports';
import { type LocalSqs, startLocalSqs } from '../../../sqs/src/testing/local-sqs';
import { listLines } from './dlq-lines';
import { replayDeadLetters } from './dlq-replay';
import { openSqsDlq } from './dlq-sqs';

const Q = `h57-dlqr-${uuidv7().slice(-8)}`;
const config = defineConfig({ queues: { [Q]: {} }, tasks: [] });
let sqs: LocalSqs;
let queueUrl: string;
const ids: string[] = [];

beforeAll(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  sqs = await startLocalSqs(await freePort());
  const dlq = await sqs.createQueue(`${Q}-dlq`);
  queueUrl = (await sqs.createQueue(Q, { deadLetterArn: dlq.arn, maxReceiveCount: 2 })).url;
  for (let batch = 0; batch < 2; batch++) {
    const jobs = Array.from({ length: batch ? 5 : 10 }, (_, n) => makeJob({ queue: Q, input: { n } }));
    ids.push(...jobs.map((j) => j.id));
    await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl: dlq.url,
        Entries: jobs.map((j, i) => ({ Id: String(i), MessageBody: JSON.stringify(j) })),
      }),
    );
  }
});
afterAll(async () => {
  await sqs?.close();
  vi.unstubAllEnvs();
});

/**
 * A DLQ deeper than --limit: RabbitMQ's says how many letters were not read; SQS's said nothing,
 * so `dlq replay --all` of 1,500 letters printed '1000 replayed', exit 0, with 500 left unsaid.
 */
describe('warren dlq --sqs on a DLQ deeper than --limit (local-aws-sqs)', () => {
  const source = () => openSqsDlq(config, Q, { sqsQueueUrl: queueUrl, sqsEndpoint: sqs.endpoint });

  it('list says how many more are there', async () => {
    const s = await source();
    try {
      const { records, more } = await s.list(10);
      expect(records).toHaveLength(10);
      expect(more).toBe(5);
      expect(listLines(s.name, records, more).at(-1)).toBe(
        `10 shown, 5 more in ${s.name} (--limit to see more)`,
      );
    } finally {
      await s.close();
    }
  });

  it('a replay (dry run) reports the letters it did not read', async () => {
    const s = await source();
    try {
      const report = await replayDeadLetters(await s.take(10), () => Promise.reject(new Error('no')), Q, {
        dryRun: true,
      });
      expect(report.outcomes.filter((o) => o.kind === 'would-replay')).toHaveLength(10);
      expect(report.remaining).toBe(5);
      // Handed back: every letter can be read again.
      expect((await s.list(100)).records.map((r) => r.jobId).sort()).toEqual([...ids].sort());
    } finally {
      await s.close();
    }
  });
});
