import { setMaxListeners } from 'node:events';
import type { Consumer, Delivery, Executor, Runaways } from '@warren/core';
import { createPoisonGuard, failPoisoned } from '../poison-guard';
import { Subscriptions } from './subscriptions';

/** A queue with no consumer on the broker this long makes the worker unhealthy. */
export const IDLE_UNHEALTHY_MS = 60_000;

export interface WorkerHealth {
  ok: boolean;
  running: number;
  runaways: number;
  concurrency: number;
  /** Queues the worker has not been consuming for IDLE_UNHEALTHY_MS or longer, with for how long. */
  notConsuming?: { queue: string; forS: number }[];
}

export interface LongRunningOptions {
  executor: Executor;
  consumer: Consumer;
  queues: string[];
  /** Jobs run at once across all queues (also each queue's broker prefetch). */
  concurrency: number;
  shutdownTimeoutMs: number;
  onError?: (err: unknown, delivery: Delivery) => void;
  /** The executor's runaways (timed-out runs still going): each keeps its slot until it settles. */
  runaways?: Runaways;
}

/**
 * Long-running worker over any Consumer: prefetch-bounded, acks late (after the result is
 * written), releases a delivery when the result store fails so nothing is acked unrecorded.
 */
export function createLongRunning(opts: LongRunningOptions) {
  const inFlight = new Set<Promise<void>>();
  const shutdown = new AbortController();
  // Running jobs share one listener on it (run-with-timeout); user code may add its own.
  setMaxListeners(0, shutdown.signal);
  // A message whose worker died comes back with the same attempt (AMQP, and the in-memory broker):
  // taking over that run spends the attempt, so a job that kills its worker cannot loop forever.
  const runOptions = { signal: shutdown.signal, lostRunSpendsAttempt: true };
  let infraFailures = 0;
  const poison = createPoisonGuard();
  let stopping: Promise<void> | undefined;
  // Prefetch bounds each queue; this bounds the process when it consumes several queues.
  let running = 0;
  // A timed-out run JS could not stop still burns CPU and memory: it keeps its slot.
  const runaways = () => opts.runaways?.count ?? 0;
  // Runaways hold every slot: nothing starts here until one settles, maybe never. Deliveries kept
  // waiting would sit unacked until the broker's consumer timeout (30 min on RabbitMQ) while other
  // workers idle, so consuming pauses (those waiting are handed back) until a runaway settles.
  const saturated = () => runaways() >= opts.concurrency;
  // Set by stop(): deliveries not yet started are handed back instead of run.
  let closing = false;
  const waiting: (() => void)[] = [];
  /** A process slot, or false once the worker is stopping or paused (the delivery must not start). */
  const acquire = async (): Promise<boolean> => {
    while (running + runaways() >= opts.concurrency && !closing) {
      if (saturated()) {
        await pause(); // cancelled first: handed back earlier, it would come straight back here
        return false;
      }
      await new Promise<void>((r) => waiting.push(r));
    }
    if (closing) return false;
    running++;
    return true;
  };
  const releaseSlot = () => {
    running--;
    waiting.shift()?.();
  };

  const subs = new Subscriptions(
    opts.consumer,
    opts.queues,
    (d) => {
      const p = handle(d);
      inFlight.add(p);
      return p.finally(() => inFlight.delete(p));
    },
    opts.concurrency,
  );
  const pause = (): Promise<void> => {
    const closed = subs.unsubscribe();
    for (const wake of waiting.splice(0)) wake(); // each sees the saturation and hands itself back
    return closed;
  };

  opts.runaways?.onChange((change) => {
    if (change === 'added' && saturated() && subs.open) void pause();
    if (change !== 'settled') return;
    if (!subs.open && !closing && !saturated()) subs.resubscribe();
    waiting.shift()?.();
  });

  async function handle(d: Delivery): Promise<void> {
    if (!(await acquire())) {
      // Waiting for a slot when the shutdown began (or delivered after it), or when runaways took
      // every slot: never started, so it goes back unrun, attempt unspent, for another worker;
      // running it would hold the shutdown for its whole run.
      await d.release();
      return;
    }
    try {
      await opts.executor.execute(d, runOptions);
      infraFailures = 0;
      poison.settled(d);
    } catch (err) {
      opts.onError?.(err, d);
      // The same non-infrastructure failure again and again: this message trips a defect, not an
      // outage; dead-lettered with the error (see poison-guard.ts), never looped for good.
      if (poison.failed(d, err)) {
        try {
          await failPoisoned(opts.executor, d, err, (reason) => d.deadLetter(reason));
          return;
        } catch {} // neither took it: handed back as below
      }
      // The result store or broker failed mid-job: give the message back after a pause so a
      // dead dependency does not turn into a hot redelivery loop.
      infraFailures++;
      await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** Math.min(infraFailures, 6))));
      await d.release().catch(() => {});
    } finally {
      releaseSlot();
    }
  }

  /** Takes no more deliveries: those waiting for a slot hand themselves back; unsubscribes. */
  function stopTaking(): Promise<unknown> {
    closing = true;
    for (const wake of waiting.splice(0)) wake();
    return subs.unsubscribe();
  }

  /** The runs in flight settled, or `ms` passed. */
  const settled = (ms: number) =>
    Promise.race([Promise.all([...inFlight]), new Promise((r) => setTimeout(r, ms).unref())]);

  /** Aborts the running tasks (the executor records them `retrying` and releases them); waits up to `ms`. */
  function abortRunning(ms: number) {
    shutdown.abort(new Error('worker shutting down'));
    return settled(ms);
  }

  async function stop(timeoutMs: number): Promise<void> {
    await stopTaking();
    await settled(timeoutMs);
    // Past the deadline: abort the tasks.
    if (inFlight.size > 0) await abortRunning(5000);
  }

  return {
    async start(): Promise<void> {
      if (closing) return;
      // stop() coming while queues are subscribing closes them after (see Subscriptions).
      await subs.subscribe();
    },
    get inFlight(): number {
      return inFlight.size;
    },
    /**
     * Not ok once runaways hold every slot: the worker can take no job until one settles, maybe
     * never, so its orchestrator should restart it (Celery's hard time limit kills the child).
     */
    health(idleAfterMs = IDLE_UNHEALTHY_MS): WorkerHealth {
      const held = runaways();
      const h: WorkerHealth = {
        ok: held < opts.concurrency,
        running,
        runaways: held,
        concurrency: opts.concurrency,
      };
      // A queue with no consumer for a minute: a worker that looks up but takes nothing (a broker
      // down, a restart refused with 406) is what a health check is for. Shorter gaps are reconnects.
      const idle = closing ? [] : subs.idle(idleAfterMs);
      if (idle.length > 0) {
        h.ok = false;
        h.notConsuming = idle.map(({ queue, forMs }) => ({ queue, forS: Math.round(forMs / 1000) }));
      }
      return h;
    },
    /**
     * A forced stop (a second Ctrl-C): abort every running job now (each is handed back unspent,
     * as at the drain's deadline) and wait up to `graceMs` for them to settle. Resolves with how
     * many are still running (deaf to the abort). Exiting without this left each run `running`
     * until its lease lapsed, then taken over as a lost attempt: a job on its last one failed.
     */
    async abort(graceMs: number): Promise<number> {
      void stopTaking();
      await abortRunning(graceMs);
      return running;
    },
    /** Stop consuming, let in-flight jobs finish until `timeoutMs`, then abort them (they retry). */
    stop(timeoutMs = opts.shutdownTimeoutMs): Promise<void> {
      stopping ??= stop(timeoutMs);
      return stopping;
    },
  };
}

export type LongRunning = ReturnType<typeof createLongRunning>;
