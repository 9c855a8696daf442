import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSqsPublisher } from './publisher';
import { QueueDirectory } from './queue-directory';
import { createSqsDelivery } from './sqs-delivery';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

/**
 * SQS refuses a visibility change past 12 h from the receive. A poll consumer's task that ran 2 h
 * and then retried with an 11 h backoff asked for 11 h more: refused on AWS, so the message came
 * back when its heartbeat's last extension ran out and ran hours early. Now such a wait is a copy.
 * local-aws-sqs does not enforce the 12 h, so this checks what warren sends.
 */
let sqs: LocalSqs;
beforeAll(async () => {
  sqs = await startLocalSqs(26985);
});
afterAll(async () => {
  await sqs?.close();
});

it('a retry that would hide a message past 12 h from its receive is a delayed copy', async () => {
  const name = `h76-vcap-${Date.now().toString(36)}`;
  const q = await sqs.createQueue(name);
  const pub = createSqsPublisher({ client: sqs.client, queueUrls: { [name]: q.url } });
  const job = makeJob({ queue: name, maxAttempts: 3 });
  await pub.publish(name, job);
  await pub.close();
  const [msg] = await sqs.receive(q.url, 1);
  const m = {
    queueUrl: q.url,
    messageId: msg!.MessageId!,
    receiptHandle: msg!.ReceiptHandle!,
    body: msg!.Body!,
    receiveCount: 1,
    receivedAt: Date.now() - 2 * 3_600_000, // the task ran 2 h
  };
  const ctx = { client: sqs.client, directory: new QueueDirectory(sqs.client) };
  await createSqsDelivery(ctx, m, job, 'poll').retry(11 * 3_600_000);
  const out = await sqs.client.send(
    new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['All'] }),
  );
  expect(out.Attributes).toMatchObject({
    ApproximateNumberOfMessagesNotVisible: '0',
    ApproximateNumberOfMessagesDelayed: '1',
  });
});
