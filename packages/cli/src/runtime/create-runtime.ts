import type { EventSink } from '@warren/amqp';
import type { Consumer, Publisher, ResultStore, WarrenConfig } from '@warren/core';
import type { Logger } from '@warren/observability';
import { type CeleryRefusal, celeryRefusalSink } from '@warren/results/celery';
import { type BrokerRuntime, brokerFromEnv } from './broker-from-env';
import { requireServices } from './require-services';
import { resultsFromEnv } from './results-from-env';
import { settleWithin } from './within';

export interface Runtime {
  /** One publisher per region id. */
  publishers: Map<string, Publisher>;
  /** Consumer for this process's own region. */
  consumer: Consumer;
  results: ResultStore;
  /** Readiness checks for /readyz, e.g. one per region's broker. */
  checks: Record<string, () => Promise<unknown>>;
  /** The RabbitMQ adapters by region (empty when embedded), e.g. for queue depth (`checkQueue`). */
  brokers: BrokerRuntime['brokers'];
  describe: string[];
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Allow the in-memory broker and store when the environment names none (`warren dev`, `--embedded`). */
  embedded?: boolean;
  /** Names the process in the refusal message. */
  command?: string;
  /** How long `close()` waits for each of the broker and the store (default 10 s). */
  closeTimeoutMs?: number;
  /** Where broker connection events go (connect failures, disconnects, reconnects). */
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** Every broker event as well (observability's brokerEvents: dead-lettered messages). */
  onBrokerEvent?: EventSink;
  /**
   * Ping the result store before returning (default true: a long-running process fails at
   * start-up, not on its first job). The Lambda ingest says false: a cold start would pay a round
   * trip, and a store outage would fail every enqueue, where the ingest still takes jobs (202,
   * the record write's failure logged).
   */
  pingStore?: boolean;
  /**
   * A producer only (the ingest): with several regions it starts while its own region's broker is
   * down, if another region's connects (it fails over there; see brokerFromEnv).
   */
  producerOnly?: boolean;
}

/**
 * Adapters chosen from the environment. Without a broker or result store it refuses to start,
 * unless `embedded` allows the in-memory ones.
 */
export async function createRuntime(
  config: WarrenConfig,
  env: NodeJS.ProcessEnv = process.env,
  opts: RuntimeOptions = {},
): Promise<Runtime> {
  if (!opts.embedded) requireServices(config, env, opts.command ?? 'warren');
  // A Celery message the worker refuses gets its FAILURE meta (AsyncResult.get raises, not hangs),
  // written to the result store, which comes after the broker; nothing is consumed before both.
  let onRefused: ((r: CeleryRefusal) => Promise<void>) | undefined;
  const broker = await brokerFromEnv(
    config,
    env,
    opts.logger,
    { onRefused: (r) => onRefused?.(r) },
    opts.onBrokerEvent,
    { producerOnly: opts.producerOnly },
  );
  const res = await resultsFromEnv(config, env, opts.pingStore ?? true);
  // A failed write is logged through the logger (its redaction), not printed raw.
  const log = opts.logger;
  onRefused = celeryRefusalSink(
    res.results,
    log &&
      ((err, r) => log.warn({ err, taskId: r.taskId }, 'Celery meta FAILURE for a refused task not written')),
  );
  return {
    publishers: broker.publishers,
    consumer: broker.consumer,
    results: res.results,
    checks: (broker as { checks?: Record<string, () => Promise<unknown>> }).checks ?? {},
    brokers: broker.brokers,
    describe: [broker.describe, res.describe, ...aloneWarning(opts.command, broker)],
    close: async () => {
      const ms = opts.closeTimeoutMs ?? 10_000;
      await settleWithin(broker.close(), ms, 'broker close');
      await settleWithin(res.close(), ms, 'result store close');
    },
  };
}

/**
 * `warren ingest --embedded` answered 202 to jobs no worker would ever run (a `warren worker
 * --embedded` beside it has a broker of its own), without a word. `warren dev` (no command) holds both.
 */
function aloneWarning(command: string | undefined, broker: BrokerRuntime): string[] {
  if (!command || broker.brokers.size > 0) return [];
  return [
    `⚠ ${command}: the in-memory broker lives in this process only: no other process (warren ingest or worker --embedded) sees its jobs; warren dev runs an ingest and a worker on one`,
  ];
}
