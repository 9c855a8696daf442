import {
  type Consumer,
  createExecutor,
  type Delivery,
  type ExecutionEvent,
  type ResultStore,
  type Subscription,
  uuidv7,
  type WarrenConfig,
} from '@warren/core';

export interface WorkerOptions {
  config: WarrenConfig;
  consumer: Consumer;
  results: ResultStore;
  /** Queues to consume; default: config.worker.queues, else every queue with a task this worker can run. */
  queues?: string[];
  /** Jobs run at once (also the broker prefetch per queue). */
  concurrency?: number;
  workerId?: string;
  onEvent?: (e: ExecutionEvent) => void;
  onError?: (err: unknown, delivery: Delivery) => void;
}

/**
 * Long-running worker over any Consumer: prefetch-bounded, acks late (after the result is
 * written), releases a delivery when the result store fails so nothing is acked unrecorded.
 */
export function createWorker(opts: WorkerOptions) {
  const { config } = opts;
  const concurrency = opts.concurrency ?? config.worker.concurrency;
  const workerId = opts.workerId ?? `w-${uuidv7().slice(-12)}`;
  const executor = createExecutor({
    tasks: config.tasks,
    results: opts.results,
    workerId,
    resultTtlS: config.results.ttlS,
    onEvent: opts.onEvent,
  });
  const queues = opts.queues ??
    config.worker.queues ?? [
      ...new Set([...config.tasks.values()].filter((t) => t.handler).map((t) => t.queue)),
    ];
  const subs: Subscription[] = [];
  const inFlight = new Set<Promise<void>>();
  const shutdown = new AbortController();
  let infraFailures = 0;

  async function handle(d: Delivery): Promise<void> {
    try {
      await executor.execute(d, { signal: shutdown.signal });
      infraFailures = 0;
    } catch (err) {
      // The result store or broker failed mid-job: give the message back after a pause so a
      // dead dependency does not turn into a hot redelivery loop.
      opts.onError?.(err, d);
      infraFailures++;
      await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** Math.min(infraFailures, 6))));
      await d.release().catch(() => {});
    }
  }

  return {
    workerId,
    queues,
    async start(): Promise<void> {
      for (const q of queues) {
        subs.push(
          await opts.consumer.consume(
            q,
            (d) => {
              const p = handle(d);
              inFlight.add(p);
              return p.finally(() => inFlight.delete(p));
            },
            { prefetch: concurrency },
          ),
        );
      }
    },
    get inFlight(): number {
      return inFlight.size;
    },
    /** Stop consuming, let in-flight jobs finish until `timeoutMs`, then abort them (they retry). */
    async stop(timeoutMs = config.worker.shutdownTimeoutMs): Promise<void> {
      await Promise.all(subs.splice(0).map((s) => s.close().catch(() => {})));
      const drained = Promise.all([...inFlight]);
      const timer = new Promise((r) => setTimeout(r, timeoutMs).unref());
      await Promise.race([drained, timer]);
      if (inFlight.size > 0) {
        shutdown.abort(new Error('worker shutting down'));
        await Promise.race([Promise.all([...inFlight]), new Promise((r) => setTimeout(r, 5000).unref())]);
      }
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
