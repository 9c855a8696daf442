import { dlqName } from '@warren/amqp';
import type { Publisher, WarrenConfig } from '@warren/core';
import { UsageError } from '../runtime/usage-exit';
import { withRegionBroker } from '../runtime/with-region-broker';
import { settleWithin } from '../runtime/within';
import { type DeadLetterJson, deadLetterJson } from './dlq-lines';
import type { ReplayLetter, ReplayTake } from './dlq-replay';
import { openSqsDlq, type SqsDlqOptions } from './dlq-sqs';

/** A letter as both DLQs take it: what a replay reads, and what a list prints. */
export type DlqLetter = ReplayLetter & Parameters<typeof deadLetterJson>[0];

/** Where a queue's dead letters are, and where its replayed jobs go: RabbitMQ's, or SQS's (`sqs`). */
export interface DlqSource {
  /** `emails.dlq`, or the SQS DLQ's URL. */
  name: string;
  /** Publishes the replayed jobs into the queue the letters died in. */
  publisher: Publisher;
  /** The first letters, left in place; `more` when the DLQ can say. */
  list(limit: number): Promise<{ records: DeadLetterJson[]; more?: number }>;
  take(limit: number): Promise<ReplayTake<DlqLetter>>;
}

/**
 * Opens the dead letters of `queue` as the other commands read the environment and config
 * (RABBITMQ_URL and this region's brokers; with `sqs`, this region's `sqs.queueUrlPrefix` or a URL
 * given), runs `fn`, and closes. No Celery refusal sink: reading a DLQ must not write results.
 */
export async function withDlqSource(
  command: string,
  config: WarrenConfig,
  queue: string,
  opts: SqsDlqOptions & { sqs?: boolean },
  fn: (source: DlqSource) => Promise<void>,
): Promise<void> {
  // Without --sqs they were ignored: 'dlq drop q --all --sqs-queue-url <url>' emptied RabbitMQ's DLQ.
  if (!opts.sqs && (opts.sqsQueueUrl || opts.sqsEndpoint))
    throw new UsageError(
      `${command}: --sqs-queue-url and --sqs-endpoint go with --sqs (without it, RabbitMQ's ${dlqName(queue)} is used)`,
    );
  if (opts.sqs) {
    const sqs = await openSqsDlq(config, queue, opts);
    try {
      return await fn(sqs);
    } finally {
      await settleWithin(sqs.close(), 10_000, 'SQS client close');
    }
  }
  await withRegionBroker(command, config, process.env, '; --sqs for SQS', (broker) =>
    fn({
      name: dlqName(queue),
      publisher: broker.publisher,
      list: async (limit) => {
        const before = (await broker.checkQueue(dlqName(queue))).messageCount;
        const records = (await broker.peekDeadLetters(queue, limit, { decode: true })).map(deadLetterJson);
        return { records, more: Math.max(0, before - records.length) };
      },
      take: (limit) => broker.takeDeadLetters(queue, limit),
    }),
  );
}
