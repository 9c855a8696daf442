import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { JobEnvelope } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsPublisher } from './publisher';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

// SQS (AWS) refuses a message holding U+FFFE or U+FFFF (InvalidMessageContents; a FIFO queue the
// whole batch). local-aws-sqs takes them, so this checks what is sent: none raw, the same job.
const PORT = 26651;
let sqs: LocalSqs;

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
});

describe('the SQS publisher and characters SQS refuses', () => {
  it('sends a job whose input holds U+FFFE / U+FFFF with them escaped: the same job arrives', async () => {
    const name = `fx-sqs-chars-${Date.now().toString(36)}`;
    const q = await sqs.createQueue(name);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [name]: q.url } });
    const job = makeJob({ queue: name, input: { text: 'a\uffffb', list: ['\ufffe'] } });
    await pub.publish(name, job);
    await pub.close();
    const got = await sqs.client.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 1 }));
    const body = got.Messages?.[0]?.Body ?? '';
    expect(body).not.toMatch(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u);
    expect((JSON.parse(body) as JobEnvelope).input).toEqual(job.input);
  });
});
