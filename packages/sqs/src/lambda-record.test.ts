import type { SQSClient } from '@aws-sdk/client-sqs';
import { makeJob } from '@warren/core/testing';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createLambdaRecordMapper } from './lambda-record';

const record = (body: string, receiveCount: number): SQSRecord =>
  ({
    messageId: 'm-1',
    receiptHandle: 'rh-1',
    body,
    attributes: { ApproximateReceiveCount: String(receiveCount) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:jobs',
    awsRegion: 'eu-west-1',
  }) as unknown as SQSRecord;

describe('createLambdaRecordMapper', () => {
  it('maps a first receive without calling SQS (a cold start of fresh jobs makes no SDK call)', async () => {
    const calls: string[] = [];
    const client = {
      send: async (cmd: object) => {
        calls.push(cmd.constructor.name);
        throw new Error('SQS unreachable');
      },
    } as unknown as SQSClient;
    const mapper = createLambdaRecordMapper({ client });
    const job = makeJob({ maxAttempts: 5 });
    const first = await mapper.map(record(JSON.stringify(job), 1));
    expect(first.ok).toBe(true);
    expect(calls).toEqual([]);
    // A retry's receive looks up the redrive policy (best effort: SQS down still runs the job).
    const again = await mapper.map(record(JSON.stringify(job), 2));
    expect(again.ok).toBe(true);
    expect(calls.length).toBeGreaterThan(0);
  });
});
