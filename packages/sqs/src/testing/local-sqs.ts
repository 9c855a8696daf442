import type { Server } from 'node:http';
import {
  CreateQueueCommand,
  type Message,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';

export interface LocalSqs {
  client: SQSClient;
  endpoint: string;
  /** Creates a queue (optionally with a DLQ and maxReceiveCount) and returns its URL and ARN. */
  createQueue(
    name: string,
    opts?: { fifo?: boolean; deadLetterArn?: string; maxReceiveCount?: number; visibilityTimeoutS?: number },
  ): Promise<{ url: string; arn: string }>;
  /**
   * Receives (with all attributes) until `expected` messages arrived or 5 s passed, then once more
   * for any surplus; `expected` 0 makes two receives, for checks that nothing is there. An empty
   * short-poll answer does not end it: one can come while messages are there (seen under the full
   * suite's load: 10 of 25 received, then an empty answer).
   */
  receive(url: string, expected?: number): Promise<Message[]>;
  close(): Promise<void>;
}

/**
 * A real SQS-API server in process (npm `local-aws-sqs`) and a v3 client pointed at it.
 * `emulateQueueCreationLifecycle: false` so tests can re-create queues at once.
 */
export async function startLocalSqs(port: number): Promise<LocalSqs> {
  const server: Server = await createSqsServer({
    port,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  } as Parameters<typeof createSqsServer>[0]);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    client,
    endpoint,
    async createQueue(name, o = {}) {
      const attrs: Record<string, string> = {};
      if (o.fifo) attrs.FifoQueue = 'true';
      if (o.visibilityTimeoutS !== undefined) attrs.VisibilityTimeout = String(o.visibilityTimeoutS);
      if (o.deadLetterArn) {
        attrs.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: o.deadLetterArn,
          maxReceiveCount: o.maxReceiveCount ?? 3,
        });
      }
      const out = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attrs }));
      return { url: out.QueueUrl!, arn: `arn:aws:sqs:us-east-1:123456789012:${name}` };
    },
    async receive(url, expected = 0) {
      const out: Message[] = [];
      const deadline = Date.now() + 5000;
      for (let extra = 0; extra < 2; ) {
        const r = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            MessageAttributeNames: ['All'],
            AttributeNames: ['All' as QueueAttributeName],
          }),
        );
        out.push(...(r.Messages ?? []));
        if (out.length >= expected || Date.now() > deadline) extra++;
        else if (!r.Messages?.length) await new Promise((res) => setTimeout(res, 50));
      }
      return out;
    },
    async close() {
      client.destroy();
      await new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      });
    },
  };
}
