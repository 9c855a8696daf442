import { randomUUID } from 'node:crypto';
import { ForwardLink } from '@warren/forwarder';
import amqp, { type Options } from 'amqplib';
import { afterAll, beforeAll } from 'vitest';
import { type LocalSqsFront, startLocalSqsFront } from './local-sqs';
import { freshQueue } from './support';

const URL = 'amqp://guest:guest@127.0.0.1:5672';

/**
 * A test file's forwarder → SQS run: local-aws-sqs on `port`; source queues on the shared broker
 * (:5672) under unique names; links that restart fast (a restart loop shows within a second).
 * After the file: links stopped, local SQS closed, source queues and their DLQs deleted.
 */
export function sqsSinkRun(port: number, tag: string) {
  const sfx = randomUUID().slice(0, 8);
  const made: string[] = [];
  const links: ForwardLink[] = [];
  let sqs: LocalSqsFront | undefined;
  beforeAll(async () => {
    sqs = await startLocalSqsFront(port);
  });
  afterAll(async () => {
    await Promise.all(links.map((l) => l.stop(1000)));
    await sqs?.close();
    const conn = await amqp.connect(URL);
    const ch = await conn.createChannel();
    for (const q of made) for (const name of [q, `${q}.dlq`]) await ch.deleteQueue(name).catch(() => {});
    await conn.close();
  });
  return {
    url: URL,
    sfx,
    sqs: () => sqs!,
    /** A fresh source queue holding `items` in that order (persistent, confirmed). */
    async source(
      name: string,
      items: { id: string; body: Buffer; props?: Options.Publish }[],
    ): Promise<string> {
      const q = `fwd-sqs-${tag}-${name}-${sfx}`;
      made.push(q);
      await freshQueue(URL, q);
      const conn = await amqp.connect(URL);
      const ch = await conn.createConfirmChannel();
      for (const { id, body, props } of items)
        ch.sendToQueue(q, body, { persistent: true, messageId: id, ...props });
      await ch.waitForConfirms();
      await conn.close();
      return q;
    },
    /** A started link from source queue `q` into the SQS queue `queueUrl`. */
    link(name: string, q: string, queueUrl: string): ForwardLink {
      const link = new ForwardLink({
        name: `fwd-sqs-${tag}-${name}-${sfx}`,
        source: { urls: [URL], queue: q, region: 'A' },
        destination: { kind: 'sqs', queueUrl, endpoint: sqs!.endpoint, region: 'A' },
        backoffBaseMs: 50,
        backoffMaxMs: 200,
      });
      links.push(link);
      link.start();
      return link;
    },
  };
}
