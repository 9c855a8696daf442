import type { Server } from 'node:http';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';

export interface LocalSqs {
  client: SQSClient;
  endpoint: string;
  /** Creates a queue (optionally with a DLQ and maxReceiveCount) and returns its URL and ARN. */
  createQueue(
    name: string,
    opts?: { fifo?: boolean; deadLetterArn?: string; maxReceiveCount?: number; visibilityTimeoutS?: number },
  ): Promise<{ url: string; arn: string }>;
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
    async close() {
      client.destroy();
      await new Promise<void>((r) => {
        server.closeAllConnections?.();
        server.close(() => r());
      });
    },
  };
}
