import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendToDeadLetter } from './sqs-ops';
import { type LocalSqs, startLocalSqs } from './testing/local-sqs';

/**
 * Letters in a FIFO DLQ are each their own message group. All in one group ('dead-letters'), AWS
 * hands out none of a group while any of it is in flight (received, not deleted), so a take of the
 * DLQ ('warren dlq' list or replay: each letter held until the end) saw the first receive's 10 and
 * then nothing. local-aws-sqs does not block a group, so this checks what warren sends.
 */
let sqs: LocalSqs;
beforeAll(async () => {
  sqs = await startLocalSqs(26983);
});
afterAll(async () => {
  await sqs?.close();
});

it('each letter sent to a FIFO DLQ is its own message group', async () => {
  const name = `h76-fdl-${Date.now().toString(36)}`;
  const dlq = await sqs.createQueue(`${name}-dlq.fifo`, { fifo: true });
  const q = await sqs.createQueue(`${name}.fifo`, { fifo: true });
  for (const i of [1, 2, 3]) {
    const MessageBody = JSON.stringify({ i });
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: q.url,
        MessageBody,
        MessageGroupId: 'g',
        MessageDeduplicationId: `d${i}`,
      }),
    );
  }
  for (const m of await sqs.receive(q.url, 3)) {
    const received = {
      queueUrl: q.url,
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      receiveCount: 1,
    };
    await sendToDeadLetter(sqs.client, dlq.url, received, 'failed');
  }
  const groups = (await sqs.receive(dlq.url, 3)).map((m) => m.Attributes?.MessageGroupId);
  expect(groups).toHaveLength(3);
  expect(new Set(groups).size).toBe(3);
});
