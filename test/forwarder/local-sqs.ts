import { createServer, type Server } from 'node:http';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createRequestHandler } from 'local-aws-sqs';

/**
 * local-aws-sqs (a real SQS-API server) behind a thin HTTP front that can answer the next
 * `throttleNext` SendMessageBatch calls with SQS's real throttling error, the one fault AWS
 * produces that the local server cannot.
 */
export interface LocalSqsFront {
  endpoint: string;
  client: SQSClient;
  throttleNext: number;
  throttled: number;
  createQueue(name: string, attrs?: Record<string, string>): Promise<string>;
  count(url: string): Promise<number>;
  receiveAll(url: string, expected: number, timeoutMs: number): Promise<Message[]>;
  close(): Promise<void>;
}

export async function startLocalSqsFront(port: number): Promise<LocalSqsFront> {
  const { requestHandler } = createRequestHandler({
    port,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SQSClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const front: LocalSqsFront = {
    endpoint,
    client,
    throttleNext: 0,
    throttled: 0,
    createQueue: async (name, attrs = {}) => {
      const r = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attrs }));
      return r.QueueUrl!;
    },
    count: async (url) => {
      const r = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(r.Attributes?.ApproximateNumberOfMessages ?? 0);
    },
    receiveAll: async (url, expected, timeoutMs) => {
      const out: Message[] = [];
      const end = Date.now() + timeoutMs;
      let empty = 0;
      while (out.length < expected && Date.now() < end && empty < 20) {
        const batches = await Promise.all(
          Array.from({ length: 8 }, () =>
            client.send(
              new ReceiveMessageCommand({
                QueueUrl: url,
                MaxNumberOfMessages: 10,
                VisibilityTimeout: 900,
                WaitTimeSeconds: 0,
                // local-aws-sqs honours only the deprecated AttributeNames (see shared notes).
                AttributeNames: ['All'],
                MessageAttributeNames: ['All'],
              }),
            ),
          ),
        );
        const got = batches.flatMap((b) => b.Messages ?? []);
        empty = got.length === 0 ? empty + 1 : 0;
        out.push(...got);
      }
      return out;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    if (front.throttleNext > 0 && req.headers['x-amz-target'] === 'AmazonSQS.SendMessageBatch') {
      front.throttleNext--;
      front.throttled++;
      req.resume();
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': 'Throttling;Sender',
      });
      res.end(
        JSON.stringify({
          __type: 'com.amazon.coral.availability#ThrottlingException',
          message: 'Rate exceeded',
        }),
      );
      return;
    }
    void requestHandler(req, res);
  });
  // Node closes an idle keep-alive socket after 5 s; a request the client sends on it at that
  // moment fails with ECONNRESET (seen once in the full suite, in the 10k test's polling, the
  // test's client having no retries). Real SQS keeps idle connections far longer.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return front;
}
