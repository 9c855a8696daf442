import { ConfigError, type WarrenConfig } from '@warren/core';
import { createSqsClient, createSqsPublisher, QueueDirectory, takeSqsDeadLetters } from '@warren/sqs';
import { deadLetterJson } from './dlq-lines';
import type { DlqSource } from './dlq-source';

export interface SqsDlqOptions {
  /** The SQS queue's URL (default: this region's `sqs.queueUrlPrefix` + queue, as the forwarder's). */
  sqsQueueUrl?: string;
  /** SQS endpoint override (local-aws-sqs); AWS otherwise (credentials from the SDK's chain). */
  sqsEndpoint?: string;
}

/**
 * The SQS DLQ of `queue` (its redrive policy's target) and a publisher onto the queue itself:
 * a replayed job goes straight back to SQS, as the forwarder would have put it there.
 */
export async function openSqsDlq(
  config: WarrenConfig,
  queue: string,
  opts: SqsDlqOptions,
): Promise<DlqSource & { close(): Promise<void> }> {
  const region = config.regions.find((r) => r.id === config.region);
  const q = config.queues[queue];
  const fifo = typeof q?.sqs === 'object' && q.sqs.fifo;
  const prefix = region?.sqs?.queueUrlPrefix;
  const queueUrl =
    opts.sqsQueueUrl ??
    (prefix && `${prefix.endsWith('/') ? prefix : `${prefix}/`}${queue}${fifo ? '.fifo' : ''}`);
  if (!queueUrl)
    throw new ConfigError(
      `warren dlq --sqs: no SQS queue URL for ${queue} (give --sqs-queue-url, or sqs.queueUrlPrefix to region ${config.region})`,
    );
  const client = createSqsClient({ endpoint: opts.sqsEndpoint, awsRegion: region?.sqs?.awsRegion });
  try {
    const redrive = await new QueueDirectory(client).redrive(queueUrl);
    if (!redrive) throw new ConfigError(`${queueUrl} has no redrive policy: it has no dead-letter queue`);
    // FIFO: each job its own message group, as the forwarder sends them. In one group the replayed
    // jobs would run one at a time, and one failing would hold the rest back, each hold spending
    // a receive of theirs towards maxReceiveCount (unrun, into the DLQ again).
    const publisher = createSqsPublisher({
      client,
      queueUrls: { [queue]: queueUrl },
      messageGroupId: (job) => job.id,
    });
    return {
      name: redrive.deadLetterUrl,
      publisher,
      list: async (limit) => {
        // SQS has no peek: received (hidden) and made visible again at once.
        const take = await takeSqsDeadLetters(client, redrive.deadLetterUrl, limit, 30);
        await take.end();
        const records = [...take.letters].sort((a, b) => (a.deadAt ?? 0) - (b.deadAt ?? 0));
        return { records: records.map(deadLetterJson), more: take.remaining };
      },
      take: (limit) => takeSqsDeadLetters(client, redrive.deadLetterUrl, limit),
      close: async () => {
        await publisher.close();
        client.destroy();
      },
    };
  } catch (err) {
    client.destroy();
    throw err;
  }
}
