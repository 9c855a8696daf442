import { defineConfig } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type LocalSqs, startLocalSqs } from '../../../sqs/src/testing/local-sqs';
import { openSqsDlq } from './dlq-sqs';

/**
 * A replay into a FIFO queue puts each job in its own message group, as the forwarder does. In one
 * group (the publisher's default, the queue) the replayed jobs ran one at a time, and a failing one
 * held back the rest, each hold counting a receive towards maxReceiveCount: a job never run before
 * got its last attempt as its first run, or was moved to the DLQ unrun.
 */
let sqs: LocalSqs;
beforeAll(async () => {
  sqs = await startLocalSqs(26982);
  // The CLI's client takes the SDK's credential chain; local-aws-sqs accepts any.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await sqs?.close();
});

it('replayed jobs go to a FIFO queue in a message group each (the job id)', async () => {
  const name = `h76-dlqfifo-${Date.now().toString(36)}`;
  const dlq = await sqs.createQueue(`${name}-dlq.fifo`, { fifo: true });
  const q = await sqs.createQueue(`${name}.fifo`, { fifo: true, deadLetterArn: dlq.arn, maxReceiveCount: 5 });
  const config = defineConfig({ tasks: [], queues: { [name]: { sqs: { fifo: true } } } });
  const source = await openSqsDlq(config, name, { sqsQueueUrl: q.url, sqsEndpoint: sqs.endpoint });
  const jobs = [makeJob({ queue: name }), makeJob({ queue: name })];
  await Promise.all(jobs.map((j) => source.publisher.publish(name, j)));
  await source.close();
  const got = await sqs.receive(q.url, 2);
  expect(got.map((m) => m.Attributes?.MessageGroupId).sort()).toEqual(jobs.map((j) => j.id).sort());
});
