import { type AmqpBroker, dlqName } from '@warren/amqp';
import { ConfigError, createProducer, type WarrenConfig } from '@warren/core';
import { brokerFromEnv } from '../runtime/broker-from-env';
import { loadConfig } from '../runtime/load-config';
import { hasBroker, hasResultStore } from '../runtime/require-services';
import { resultsFromEnv } from '../runtime/results-from-env';
import { settleWithin } from '../runtime/within';
import { deadLetterJson, listLines, replayLines } from './dlq-lines';
import { replayDeadLetters } from './dlq-replay';

export interface DlqListOptions {
  limit: number;
  json?: boolean;
}

export interface DlqReplayOptions {
  all?: boolean;
  id?: string[];
  limit: number;
  dryRun?: boolean;
}

/** `warren dlq list <queue>`: the first letters of `<queue>.dlq`, left in place. */
export async function dlqList(queue: string, opts: DlqListOptions): Promise<void> {
  await withBroker('warren dlq list', async (broker) => {
    const before = (await broker.checkQueue(dlqName(queue))).messageCount;
    const records = (await broker.peekDeadLetters(queue, opts.limit, { decode: true })).map(deadLetterJson);
    const more = Math.max(0, before - records.length);
    if (opts.json)
      console.log(JSON.stringify({ queue, shown: records.length, more, letters: records }, null, 2));
    else for (const line of listLines(queue, records, more)) console.log(line);
  });
}

/**
 * `warren dlq replay <queue>`: the chosen letters as new jobs through the producer (RabbitMQ with
 * confirms, then the Redis record), each acked only after its job is confirmed. Exits 1 (the
 * thrown summary) when any chosen letter stayed, an id was not found, or the acks are unconfirmed.
 */
export async function dlqReplay(queue: string, opts: DlqReplayOptions): Promise<void> {
  if (!!opts.all === !!opts.id?.length)
    throw new ConfigError('warren dlq replay: pass --all or --id <jobId>...');
  await withBroker('warren dlq replay', async (broker, config, env) => {
    if (!config.queues[queue])
      throw new ConfigError(
        `warren dlq replay: queue "${queue}" is not in the config (${Object.keys(config.queues).join(', ')}): jobs are replayed through its queues and tasks (WARREN_CONFIG)`,
      );
    if (!opts.dryRun && !hasResultStore(env))
      throw new ConfigError(
        'warren dlq replay: no result store (set REDIS_URL, or UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN): its idempotency keys make a replay happen once',
      );
    const res = opts.dryRun ? undefined : await resultsFromEnv(config, env);
    try {
      const producer =
        res &&
        createProducer({
          config,
          publishers: new Map([[config.region, broker.publisher]]),
          results: res.results,
        });
      const take = await broker.takeDeadLetters(queue, opts.limit);
      // A dry run enqueues nothing (and needs no store): replayDeadLetters never calls it then.
      const enqueue = producer?.enqueue ?? (() => Promise.reject(new Error('dry run')));
      const report = await replayDeadLetters(take, enqueue, queue, {
        ids: opts.id,
        dryRun: opts.dryRun,
        priorities: config.queues[queue]?.maxPriority !== undefined,
      });
      for (const line of replayLines(queue, report, !!opts.dryRun)) console.log(line);
      const failed = report.outcomes.filter((o) => o.kind === 'failed').length;
      if (failed || report.notFound.length || report.endError)
        throw new Error(`warren dlq replay: not everything chosen was replayed (see above)`);
    } finally {
      if (res) await settleWithin(res.close(), 10_000, 'result store close');
    }
  });
}

/**
 * The process's own region's RabbitMQ, from the environment and config as every command reads them
 * (RABBITMQ_URL, WARREN_CONFIG). No Celery refusal sink: reading a DLQ must not write results.
 */
async function withBroker(
  command: string,
  fn: (broker: AmqpBroker, config: WarrenConfig, env: NodeJS.ProcessEnv) => Promise<void>,
): Promise<void> {
  const env = process.env;
  const config = await loadConfig(env);
  if (!hasBroker(config, env))
    throw new ConfigError(`${command}: no broker (set RABBITMQ_URL, or regions[].brokers in the config)`);
  const rt = await brokerFromEnv(config, env);
  try {
    const broker = rt.brokers.get(config.region) ?? rt.brokers.values().next().value;
    if (!broker)
      throw new ConfigError(`${command}: dead-letter queues are RabbitMQ's; no RabbitMQ configured`);
    await fn(broker, config, env);
  } finally {
    await settleWithin(rt.close(), 10_000, 'broker close');
  }
}
