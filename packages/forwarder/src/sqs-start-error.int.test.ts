import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqsFront, startLocalSqsFront } from '../../../test/forwarder/local-sqs';
import { sqsSink } from './sqs-sink';

// local-aws-sqs (a real SQS-API server) on a port of this file's own.
let sqs: LocalSqsFront;
beforeAll(async () => {
  sqs = await startLocalSqsFront(27094);
});
afterAll(async () => {
  await sqs?.close();
});

const events = { confirmed: () => {}, rejected: () => {}, failed: () => {} };

describe('an SQS destination that cannot be used at start', () => {
  it('says it is the SQS destination and which queue: a queue that does not exist', async () => {
    const queueUrl = `${sqs.endpoint}/000000000000/no-such-queue-fwd`;
    const open = sqsSink({ kind: 'sqs', queueUrl, endpoint: sqs.endpoint });
    await expect(open(events)).rejects.toThrow(
      `destination sqs ${queueUrl}: QueueDoesNotExist: The specified queue does not exist.`,
    );
  });

  it('says it is the SQS destination and which queue: an endpoint that refuses connections', async () => {
    const endpoint = 'http://127.0.0.1:1';
    const queueUrl = `${endpoint}/000000000000/q`;
    const open = sqsSink({ kind: 'sqs', queueUrl, endpoint });
    await expect(open(events)).rejects.toThrow(`destination sqs ${queueUrl}: `);
    await expect(open(events)).rejects.toThrow(/ECONNREFUSED/);
  });
});
