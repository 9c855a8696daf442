import {
  type Consumer,
  createExecutor,
  type Delivery,
  type ExecutionEvent,
  type Publisher,
  type ResultStore,
  type Runaway,
  Runaways,
  type RunScope,
  uuidv7,
  type WarrenConfig,
} from '@warren/core';
import type { SQSRecord } from 'aws-lambda';
import type { DecodedRmqMessage } from './lambda/rmq-event';
import type { RmqHandler, RmqHandlerDeps, RmqSink } from './lambda/rmq-handler';
import { createSqsHandler, type SqsHandler, type SqsRecordMapper } from './lambda/sqs-handler';
import type { LongRunning, WorkerHealth } from './long-running/long-running';

export interface WorkerOptions {
  config: WarrenConfig;
  results: ResultStore;
  /** Long-running mode (`start`/`stop`). */
  consumer?: Consumer;
  /** Republishing retries from the RabbitMQ Lambda handler. */
  publisher?: Publisher;
  /** RabbitMQ Lambda handler: dead-lettering to `<queue>.dlq` and delay-tier hops (amqp adapter). */
  rmq?: RmqSink;
  /** RabbitMQ Lambda handler: per-queue decoding (e.g. Celery); default the warren envelope. */
  decode?: RmqHandlerDeps['decode'];
  /** SQS Lambda handler: record → delivery (`@warren/sqs` createLambdaRecordMapper). */
  sqs?: SqsRecordMapper;
  /** Queues to consume; default: config.worker.queues, else every queue with a task this worker can run. */
  queues?: string[];
  /** Jobs run at once (the broker prefetch per queue; records at once in a Lambda batch). */
  concurrency?: number;
  workerId?: string;
  onEvent?: (e: ExecutionEvent) => void;
  /** Each task run inside this scope (observability's `runScope`: the job's trace span). */
  runScope?: RunScope;
  onError?: (err: unknown, delivery: Delivery) => void;
  /** Long-running: a run outlived its timeout and goes on (JS cannot stop it), or one finally settled. */
  onRunaway?: (change: 'added' | 'settled', r: Runaway) => void;
  /** Lambda handlers: an infrastructure failure for one record or message. */
  onLambdaError?: (err: unknown, item: SQSRecord | DecodedRmqMessage) => void;
}

const missing = (what: string, opt: string) => () => {
  throw new Error(`createWorker: ${what} needs the \`${opt}\` option`);
};

/**
 * One executor, three entry points: `start`/`stop` (long-running over a Consumer), `sqsHandler`
 * (Lambda SQS trigger) and `rmqHandler` (Lambda Amazon MQ RabbitMQ trigger).
 */
export function createWorker(opts: WorkerOptions) {
  const { config } = opts;
  const concurrency = opts.concurrency ?? config.worker.concurrency;
  const workerId = opts.workerId ?? `w-${uuidv7().slice(-12)}`;
  // Counted only where they hold a slot (long-running): a Lambda invocation ends at its own limit.
  const runaways = opts.consumer ? new Runaways() : undefined;
  if (runaways && opts.onRunaway) runaways.onChange(opts.onRunaway);
  const executor = createExecutor({
    tasks: config.tasks,
    results: opts.results,
    workerId,
    resultTtlS: config.results.ttlS,
    leaseMarginMs: config.worker.leaseMarginMs,
    unknownTaskGraceMs: config.worker.unknownTaskGraceMs,
    onEvent: opts.onEvent,
    runaways,
    runScope: opts.runScope,
  });
  const queues = opts.queues ??
    config.worker.queues ?? [
      ...new Set([...config.tasks.values()].filter((t) => t.handler).map((t) => t.queue)),
    ];
  // The long-running loop and the Amazon MQ handler are loaded only by the mode that uses them
  // (dynamic imports: chunks of their own in a Lambda bundle), so an SQS Lambda does not load
  // code it never runs (its bundle's budget is 250 KB at import).
  let longRunning: LongRunning | undefined;
  const consumer = opts.consumer;
  const loadingLongRunning = consumer
    ? import('./long-running/long-running').then(({ createLongRunning }) => {
        longRunning = createLongRunning({
          executor,
          consumer,
          queues,
          concurrency,
          shutdownTimeoutMs: config.worker.shutdownTimeoutMs,
          onError: opts.onError,
          runaways,
        });
        return longRunning;
      })
    : undefined;
  const timeoutOf = (task: string) => config.tasks.get(task)?.timeoutMs;
  const lambda = {
    concurrency,
    onError: opts.onLambdaError,
    timeoutOf,
  };
  const sqsHandler: SqsHandler = opts.sqs
    ? createSqsHandler({ executor, records: opts.sqs, ...lambda })
    : missing('sqsHandler', 'sqs');
  const rmqDeps: RmqHandlerDeps | undefined =
    opts.publisher && opts.rmq
      ? { executor, publisher: opts.publisher, sink: opts.rmq, decode: opts.decode, ...lambda }
      : undefined;
  let rmq: Promise<RmqHandler> | undefined;
  const rmqHandler: RmqHandler = rmqDeps
    ? async (event, context) => {
        rmq ??= import('./lambda/rmq-handler').then((m) => m.createRmqHandler(rmqDeps));
        return (await rmq)(event, context);
      }
    : missing('rmqHandler', 'publisher and rmq');

  return {
    workerId,
    queues,
    executor,
    sqsHandler,
    rmqHandler,
    async start(): Promise<void> {
      if (!loadingLongRunning) throw new Error('createWorker: start() needs the `consumer` option');
      await (await loadingLongRunning).start();
    },
    get inFlight(): number {
      return longRunning?.inFlight ?? 0;
    },
    /**
     * Long-running: not ok when runaway tasks hold every slot (restart it), or a queue has had no
     * consumer on the broker for a minute (notConsuming); else ok.
     */
    health(idleAfterMs?: number): WorkerHealth {
      return longRunning?.health(idleAfterMs) ?? { ok: true, running: 0, runaways: 0, concurrency };
    },
    /** Forced stop: abort running jobs (handed back unspent), wait up to `graceMs`; resolves with those still running. */
    async abort(graceMs: number): Promise<number> {
      return (await (await loadingLongRunning)?.abort(graceMs)) ?? 0;
    },
    /** Stop consuming, let in-flight jobs finish until `timeoutMs`, then abort them (they retry). */
    async stop(timeoutMs?: number): Promise<void> {
      await (await loadingLongRunning)?.stop(timeoutMs);
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
