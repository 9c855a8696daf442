import { ConfigError, createProducer } from '@warren/core';
import { loadConfig } from '../runtime/load-config';
import { hasResultStore } from '../runtime/require-services';
import { resultsFromEnv } from '../runtime/results-from-env';
import { InterruptedError, signalExitCode, stopOnSignal } from '../runtime/stop-on-signal';
import { UsageError } from '../runtime/usage-exit';
import { settleWithin } from '../runtime/within';
import { dropDeadLetters } from './dlq-drop';
import { dropSummary, letterLine, listLines, outcomeLine, replaySummary } from './dlq-lines';
import { recordDeath, replayDeadLetters } from './dlq-replay';
import { withDlqSource } from './dlq-source';
import type { SqsDlqOptions } from './dlq-sqs';

interface DlqWhere extends SqsDlqOptions {
  /** The queue's SQS DLQ instead of RabbitMQ's `<queue>.dlq`. */
  sqs?: boolean;
}

export interface DlqListOptions extends DlqWhere {
  limit: number;
  json?: boolean;
}

export interface DlqDropOptions extends DlqWhere {
  all?: boolean;
  id?: string[];
  unreadable?: boolean;
  limit: number;
  dryRun?: boolean;
}

export interface DlqReplayOptions extends DlqWhere {
  /** One JSON report at the end instead of the lines. */
  json?: boolean;
  all?: boolean;
  id?: string[];
  limit: number;
  dryRun?: boolean;
}

/** `warren dlq list <queue>`: the first letters of its DLQ, left in place. */
export async function dlqList(queue: string, opts: DlqListOptions): Promise<void> {
  const config = await loadConfig();
  await withDlqSource('warren dlq list', config, queue, opts, async (source) => {
    const { records, more } = await source.list(opts.limit);
    if (opts.json)
      console.log(
        JSON.stringify({ queue, dlq: source.name, shown: records.length, more, letters: records }, null, 2),
      );
    else for (const line of listLines(source.name, records, more)) console.log(line);
  });
}

/**
 * `warren dlq replay <queue>`: the chosen letters as new jobs through the producer (with
 * confirms, then the Redis record), each removed only after its job is confirmed. Exits 1 (the
 * thrown summary) when any chosen letter stayed, an id was not found, or the removals are unconfirmed.
 */
export async function dlqReplay(queue: string, opts: DlqReplayOptions): Promise<void> {
  if (!!opts.all === !!opts.id?.length)
    throw new UsageError('warren dlq replay: pass --all or --id <jobId>...');
  const env = process.env;
  const config = await loadConfig(env);
  if (!config.queues[queue])
    throw new ConfigError(
      `warren dlq replay: queue "${queue}" is not in the config (${Object.keys(config.queues).join(', ')}): jobs are replayed through its queues and tasks (WARREN_CONFIG)`,
    );
  if (!opts.dryRun && !hasResultStore(env))
    throw new ConfigError(
      'warren dlq replay: no result store (set REDIS_URL, or UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN): its idempotency keys make a replay happen once',
    );
  await withDlqSource('warren dlq replay', config, queue, opts, async (source) => {
    const stop = stopAfterLetterInHand(source.name);
    let res: Awaited<ReturnType<typeof resultsFromEnv>> | undefined;
    try {
      res = opts.dryRun ? undefined : await resultsFromEnv(config, env);
      const producer =
        res &&
        createProducer({
          config,
          publishers: new Map([[config.region, source.publisher]]),
          results: res.results,
        });
      const take = await source.take(opts.limit);
      // A dry run enqueues nothing (and needs no store): replayDeadLetters never calls it then.
      const enqueue = producer?.enqueue ?? (() => Promise.reject(new Error('dry run')));
      const report = await replayDeadLetters(take, enqueue, queue, {
        ids: opts.id,
        dryRun: opts.dryRun,
        priorities: config.queues[queue]?.maxPriority !== undefined,
        signal: stop.signal,
        deathOf: res && recordDeath(res.results),
        // Printed as they happen: an operator watching a long replay (or stopping it) sees where it is.
        onOutcome: opts.json ? undefined : (o) => console.log(outcomeLine(source.name, o)),
      });
      if (opts.json)
        console.log(JSON.stringify({ queue, dlq: source.name, dryRun: !!opts.dryRun, ...report }, null, 2));
      else for (const line of replaySummary(source.name, report, !!opts.dryRun)) console.log(line);
      if (report.interrupted)
        throw new InterruptedError(
          `warren dlq replay: interrupted by ${report.interrupted.by}; run it again to replay the rest`,
          signalExitCode(report.interrupted.by),
        );
      const failed = report.outcomes.filter((o) => o.kind === 'failed').length;
      if (failed || report.notFound.length || report.endError)
        throw new Error('warren dlq replay: not everything chosen was replayed (see above)');
    } finally {
      stop.dispose();
      if (res) await settleWithin(res.close(), 10_000, 'result store close');
    }
  });
}

/**
 * `warren dlq drop <queue>`: removes the chosen letters for good, each printed as it goes (run
 * `dlq list --json` first to keep their inputs). Exits 1 when an --id was not found or a removal
 * failed or is unconfirmed; 130/143 when stopped by a signal after the letter in hand.
 */
export async function dlqDrop(queue: string, opts: DlqDropOptions): Promise<void> {
  if (!opts.all === !(opts.id?.length || opts.unreadable))
    throw new UsageError('warren dlq drop: pass --all, or --id <jobId>... and/or --unreadable');
  const config = await loadConfig();
  await withDlqSource('warren dlq drop', config, queue, opts, async (source) => {
    const stop = stopAfterLetterInHand(source.name);
    try {
      const report = await dropDeadLetters(await source.take(opts.limit), {
        ids: opts.id,
        unreadable: opts.unreadable,
        all: opts.all,
        dryRun: opts.dryRun,
        signal: stop.signal,
        onDropped: (l) => console.log(`${opts.dryRun ? 'would drop' : 'dropped'}  ${letterLine(l)}`),
      });
      for (const line of dropSummary(source.name, report, !!opts.dryRun)) console.log(line);
      if (report.interrupted)
        throw new InterruptedError(
          `warren dlq drop: interrupted by ${report.interrupted.by}`,
          signalExitCode(report.interrupted.by),
        );
      if (report.failed || report.notFound.length || report.endError)
        throw new Error('warren dlq drop: not everything chosen was dropped (see above)');
    } finally {
      stop.dispose();
    }
  });
}

/** Ctrl-C / SIGTERM in a replay or drop: the letter in hand is finished, the rest stay in the DLQ. */
const stopAfterLetterInHand = (dlq: string) =>
  stopOnSignal(
    `stopping after the letter in hand; the letters not reached stay in ${dlq}`,
    `the letters not acked go back to ${dlq}`,
  );
