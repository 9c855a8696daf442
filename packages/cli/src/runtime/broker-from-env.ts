import {
  type AmqpBroker,
  type CeleryCodecOptions,
  celeryCodecsFor,
  createAmqpBroker,
  type EventSink,
  parseNodeUrls,
  redactUrl,
  type StrategyName,
} from '@warren/amqp';
import { ConfigError, type Consumer, MemoryBroker, type Publisher, type WarrenConfig } from '@warren/core';
import type { Logger } from '@warren/observability';
import * as z from 'zod';
import { checkNodeUrls } from './check-node-urls';
import { logBrokerEvents } from './log-broker-events';

export interface BrokerRuntime {
  /** One publisher per region id. */
  publishers: Map<string, Publisher>;
  /** Consumer on this process's own region. */
  consumer: Consumer;
  /** Readiness per region broker (`broker:<region>`): rejects while no node is connected. */
  checks: Record<string, () => Promise<unknown>>;
  /** The adapters by region (empty for the in-memory broker), for tools that need more than the ports. */
  brokers: Map<string, AmqpBroker>;
  describe: string;
  close(): Promise<void>;
}

// A NaN or negative weight would silently skew (or stall) weighted-round-robin.
const weightsSchema = z
  .array(
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/, 'each weight must be a number >= 0')
      .transform(Number),
  )
  .refine((ws) => ws.some((w) => w > 0), 'at least one weight must be > 0');

function parseWeights(raw: string): number[] {
  const parsed = weightsSchema.safeParse(raw.split(','));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const at =
    typeof issue.path[0] === 'number'
      ? ` (entry ${issue.path[0] + 1}: "${raw.split(',')[issue.path[0]]}")`
      : '';
  throw new ConfigError(`RABBITMQ_WEIGHTS: ${issue.message}${at}`);
}

/** Weights a strategy ignores, or of another count than the nodes, were dropped without a word. */
function checkWeightsApply(
  weights: number[],
  strategy: StrategyName,
  own: string[] | undefined,
  envUrls: string[],
) {
  if (strategy !== 'weighted-round-robin')
    throw new ConfigError(
      `RABBITMQ_WEIGHTS: used by RABBITMQ_STRATEGY=weighted-round-robin only (the strategy is ${strategy})`,
    );
  const nodes = own?.length ?? 0;
  if (weights.length !== nodes)
    throw new ConfigError(
      `RABBITMQ_WEIGHTS: ${weights.length} weight(s) for ${nodes} nodes of ${own === envUrls ? 'RABBITMQ_URL' : "this region's brokers"} (one per node, in its order)`,
    );
}

const STRATEGIES: StrategyName[] = ['round-robin', 'weighted-round-robin', 'health-based', 'random'];

/**
 * RabbitMQ when the environment or config names it, else the embedded in-memory broker.
 * Clusters: `config.regions[].brokers` (one cluster's node URLs per region); `RABBITMQ_URL`
 * (comma-separated nodes) is this process's own region and overrides its config entry.
 * `RABBITMQ_STRATEGY` picks the node strategy (default round-robin), `RABBITMQ_WEIGHTS` (comma-
 * separated numbers) the weights for weighted-round-robin.
 */
export async function brokerFromEnv(
  config: WarrenConfig,
  env: NodeJS.ProcessEnv,
  logger?: Pick<Logger, 'info' | 'warn'>,
  /** For the Celery codecs: `onRefused` (a refused message's FAILURE meta). */
  celery: Pick<CeleryCodecOptions, 'onRefused'> = {},
  onEvent?: EventSink,
  /**
   * A producer only (the ingest): with other regions, it may start while its own region's broker
   * is down, as long as another region's connects (see the connect below).
   */
  { producerOnly = false, noDelay }: { producerOnly?: boolean; noDelay?: boolean } = {},
): Promise<BrokerRuntime> {
  // Else the first region's broker was taken as this process's own: a worker consumed, and an
  // ingest stamped its jobs' origin for, a region it is not in. (WARREN_REGION is checked so.)
  const ids = config.regions.map((r) => r.id);
  if (ids.length > 0 && !ids.includes(config.region))
    throw new ConfigError(
      `region "${config.region}" is not one of the config's regions (${ids.join(', ')}): set region in the config, or WARREN_REGION`,
    );
  const clusters = new Map<string, string[]>();
  for (const r of config.regions) if (r.brokers.length > 0) clusters.set(r.id, r.brokers);
  const envUrls = parseNodeUrls(env.RABBITMQ_URL);
  if (envUrls.length > 0) clusters.set(config.region, envUrls);
  for (const [region, urls] of clusters)
    checkNodeUrls(urls === envUrls ? 'RABBITMQ_URL' : `regions.${region}.brokers`, urls);

  if (clusters.size === 0) {
    // The queues' maxLength, maxPriority and messageTtlMs, as RabbitMQ's queue arguments carry them.
    const broker = new MemoryBroker({ queues: config.queues });
    return {
      publishers: new Map([[config.region, broker]]),
      consumer: broker,
      checks: {},
      brokers: new Map(),
      describe: 'broker: in-memory (embedded)',
      close: () => broker.close(),
    };
  }

  const strategy = (env.RABBITMQ_STRATEGY ?? 'round-robin') as StrategyName;
  if (!STRATEGIES.includes(strategy))
    throw new Error(`RABBITMQ_STRATEGY must be one of ${STRATEGIES.join(', ')} (got ${strategy})`);
  const weights = env.RABBITMQ_WEIGHTS ? parseWeights(env.RABBITMQ_WEIGHTS) : undefined;
  if (weights) checkWeightsApply(weights, strategy, clusters.get(config.region), envUrls);

  const brokers = new Map<string, AmqpBroker>();
  for (const [region, urls] of clusters)
    brokers.set(
      region,
      createAmqpBroker({
        urls,
        strategy,
        weights: region === config.region ? weights : undefined,
        queues: config.queues,
        confirmTimeoutMs: config.ingest.publishTimeoutMs,
        codecs: celeryCodecsFor(config, celery),
        onEvent: brokerEvents(logger && logBrokerEvents(logger, region), onEvent),
        noDelay,
      }),
    );
  const own = brokers.get(config.region) ?? brokers.values().next().value!;
  const others = [...brokers.values()].filter((b) => b !== own);
  // The own region must be reachable to start; other regions keep reconnecting in the background
  // (the router's circuit breaker skips them meanwhile). A producer fails over to any region that
  // confirms, so it starts on another region too (its own reconnects in the background): refusing,
  // a restart or Lambda cold start during its region's outage made that outage the ingest's own.
  let ownDown = false;
  try {
    await own.connect();
  } catch (err) {
    ownDown = producerOnly && others.length > 0 && (await anyConnects(others));
    if (!ownDown) {
      await Promise.all([...brokers.values()].map((b) => b.close().catch(() => {})));
      throw err;
    }
  }
  // Own region down: anyConnects already started these (again would add a second connect round).
  if (!ownDown) for (const b of others) b.connect().catch(() => {});

  const checks: Record<string, () => Promise<unknown>> = {};
  for (const [region, b] of brokers)
    checks[`broker:${region}`] = async () => {
      const node = b.currentNode();
      if (!node) throw new Error(`region ${region}: no RabbitMQ node connected`);
      return node;
    };

  const ownId = [...brokers].find(([, b]) => b === own)![0];
  const describe = [...clusters]
    .map(
      ([region, urls]) =>
        `${region}=${urls.map(redactUrl).join(',')}${region === ownId ? (ownDown ? ' (own, not reachable: reconnecting; jobs go to the other regions meanwhile)' : ' (own)') : ''}`,
    )
    .join(' ');
  return {
    publishers: new Map([...brokers].map(([region, b]) => [region, b.publisher])),
    consumer: own.consumer,
    checks,
    brokers,
    describe: `broker: RabbitMQ ${describe} (strategy ${strategy})`,
    close: async () => {
      await Promise.all([...brokers.values()].map((b) => b.close().catch(() => {})));
    },
  };
}

/** Whether any of `brokers` connects (each that does not keeps reconnecting in the background). */
function anyConnects(brokers: AmqpBroker[]): Promise<boolean> {
  return Promise.any(brokers.map((b) => b.connect())).then(
    () => true,
    () => false,
  );
}

/** Both sinks, or the one given (none: no events are built at all). */
function brokerEvents(a?: EventSink, b?: EventSink): EventSink | undefined {
  if (!a || !b) return a ?? b;
  return (e) => {
    a(e);
    b(e);
  };
}
