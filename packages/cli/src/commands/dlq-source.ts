import { dlqName } from '@warren/amqp';
import { ConfigError, type Publisher, type WarrenConfig } from '@warren/core';
import { brokerFromEnv } from '../runtime/broker-from-env';
import { hasBroker } from '../runtime/require-services';
import { settleWithin } from '../runtime/within';
import { type DeadLetterJson, deadLetterJson } from './dlq-lines';
import type { ReplayTake } from './dlq-replay';
import { openSqsDlq, type SqsDlqOptions } from './dlq-sqs';

/** Where a queue's dead letters are, and where its replayed jobs go: RabbitMQ's, or SQS's (`sqs`). */
export interface DlqSource {
  /** `emails.dlq`, or the SQS DLQ's URL. */
  name: string;
  /** Publishes the replayed jobs into the queue the letters died in. */
  publisher: Publisher;
  /** The first letters, left in place; `more` when the DLQ can say. */
  list(limit: number): Promise<{ records: DeadLetterJson[]; more?: number }>;
  take(limit: number): Promise<ReplayTake>;
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
  if (opts.sqs) {
    const sqs = await openSqsDlq(config, queue, opts);
    try {
      return await fn(sqs);
    } finally {
      await settleWithin(sqs.close(), 10_000, 'SQS client close');
    }
  }
  const env = process.env;
  if (!hasBroker(config, env))
    throw new ConfigError(
      `${command}: no broker (set RABBITMQ_URL, or regions[].brokers in the config; --sqs for SQS)`,
    );
  const rt = await brokerFromEnv(config, env);
  try {
    const broker = rt.brokers.get(config.region) ?? rt.brokers.values().next().value;
    if (!broker) throw new ConfigError(`${command}: no RabbitMQ configured`);
    await fn({
      name: dlqName(queue),
      publisher: broker.publisher,
      list: async (limit) => {
        const before = (await broker.checkQueue(dlqName(queue))).messageCount;
        const records = (await broker.peekDeadLetters(queue, limit, { decode: true })).map(deadLetterJson);
        return { records, more: Math.max(0, before - records.length) };
      },
      take: (limit) => broker.takeDeadLetters(queue, limit),
    });
  } finally {
    await settleWithin(rt.close(), 10_000, 'broker close');
  }
}
