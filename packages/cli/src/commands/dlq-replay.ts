import {
  ConflictError,
  type EnqueueRequest,
  isTerminal,
  type JobEnvelope,
  newTraceparent,
  type Producer,
  type ResultStore,
  WarrenError,
} from '@warren/core';

/** A dead letter as a replay reads it (RabbitMQ's takeDeadLetters, SQS's takeSqsDeadLetters). */
export interface ReplayLetter {
  deadAt?: number;
  decoded: { ok: true; job: JobEnvelope } | { ok: false; reason: string };
}

/** Letters held until `end`: acked ones leave their DLQ, the rest are handed back. */
export interface ReplayTake<L extends ReplayLetter = ReplayLetter> {
  readonly letters: readonly L[];
  /** Letters left behind the ones taken, when the DLQ says. */
  readonly remaining?: number;
  ack(letter: L): void | Promise<void>;
  end(): Promise<void>;
}

export type ReplayOutcome =
  /** `earlier`: the key's job already existed (a replay whose DLQ ack was lost, now completed). */
  | { kind: 'replayed'; oldId: string; newId: string; task: string; earlier: boolean }
  | { kind: 'would-replay'; oldId: string; task: string }
  | { kind: 'failed'; oldId: string; task: string; error: string }
  /** Another letter of a job replayed (or, dry run, to be replayed) above: removed with it. */
  | { kind: 'duplicate'; oldId: string; task: string; newId?: string }
  | { kind: 'unreadable'; reason: string };

export interface ReplayReport {
  outcomes: ReplayOutcome[];
  /** Readable letters not chosen (`ids` given): handed back. */
  skipped: number;
  /** Chosen ids not among the letters read. */
  notFound: string[];
  /** Letters left in the DLQ behind the ones read (the limit). */
  remaining: number;
  /** The acks could not be confirmed (the DLQ may still hold replayed letters). */
  endError?: string;
  /** Stopped by `signal` (its reason, e.g. SIGINT): chosen letters not reached, left in the DLQ. */
  interrupted?: { by: string; notReached: number };
}

export interface ReplayOptions {
  /** Only these old job ids; undefined: every readable letter read. */
  ids?: readonly string[];
  dryRun?: boolean;
  /** The queue's maxPriority: a priority is carried only when the queue has them. */
  priorities?: boolean;
  /**
   * Aborted (Ctrl-C): no new letter is started; the one in hand finishes (its enqueue, then its
   * ack), so no idempotency key is left claimed for a job never published (that key answers
   * 'still being accepted' to every later replay for a day).
   */
  signal?: AbortSignal;
  /**
   * When the old job ended (its terminal record's finishedAt), while the record lives: the key's
   * death instead of the letter's dead-at, so two letters of one death (the worker dead-letters a
   * failed job's redelivery again, maybe minutes later) share one key across runs.
   */
  deathOf?: (oldId: string) => Promise<string | undefined>;
  /** Each outcome as it is decided, so a long replay shows its progress. */
  onOutcome?: (o: ReplayOutcome) => void;
}

/**
 * The idempotency key of a letter's replay: the old id and its dead-letter time name one death,
 * so a replay whose ack was lost, or a second run over the same letter, gets the same new job.
 */
export const replayKey = (l: ReplayLetter, oldId: string, death?: string) =>
  `dlq-replay:${oldId}:${death ?? l.deadAt ?? 'unknown'}`;

/** ReplayOptions.deathOf over the result store: the old job's terminal record's finishedAt. */
export const recordDeath =
  (results: Pick<ResultStore, 'get'>) =>
  async (oldId: string): Promise<string | undefined> => {
    const rec = await results.get(oldId);
    return rec && isTerminal(rec.state) ? rec.finishedAt : undefined;
  };

/**
 * Re-enqueues the chosen dead letters of `queue` as new jobs through the producer (validation,
 * confirms, the record; a fresh attempt count), then acks each letter only after its new job is
 * confirmed. Everything else is handed back: not chosen, unreadable, failed, and (the channel
 * gone) whatever was not reached. The old job's record stays as it is: terminal states never change.
 */
export async function replayDeadLetters<L extends ReplayLetter>(
  take: ReplayTake<L>,
  enqueue: Producer['enqueue'],
  queue: string,
  opts: ReplayOptions = {},
): Promise<ReplayReport> {
  const wanted = opts.ids ? new Set(opts.ids) : undefined;
  const report: ReplayReport = { outcomes: [], skipped: 0, notFound: [], remaining: take.remaining ?? 0 };
  const outcome = (o: ReplayOutcome) => {
    report.outcomes.push(o);
    opts.onOutcome?.(o);
  };
  const seen = new Set<string>();
  // Old id → its new job, once replayed (dry run: ''). The worker can dead-letter one job twice
  // (deadLetterAgain: a redelivery after a DLQ copy it could not confirm); each letter has its own
  // dead-at, so its own key: both were replayed, and the job ran twice.
  const replayedAs = new Map<string, string>();
  let stop = false;
  // Oldest death first (a quorum DLQ need not keep that order): the new jobs go out in that order.
  const byDeath = [...take.letters].sort((a, b) => (a.deadAt ?? 0) - (b.deadAt ?? 0));
  for (const letter of byDeath) {
    if (!letter.decoded.ok) {
      if (!wanted) outcome({ kind: 'unreadable', reason: letter.decoded.reason });
      continue;
    }
    const job = letter.decoded.job;
    seen.add(job.id);
    if (wanted && !wanted.has(job.id)) {
      report.skipped++;
      continue;
    }
    const earlierAs = replayedAs.get(job.id);
    if (earlierAs !== undefined) {
      if (opts.dryRun) {
        outcome({ kind: 'duplicate', oldId: job.id, task: job.task });
        continue;
      }
      try {
        await take.ack(letter);
        outcome({ kind: 'duplicate', oldId: job.id, task: job.task, newId: earlierAs });
      } catch (err) {
        const error = `another letter of the job replayed above as ${earlierAs}; it stays in the DLQ (${describe(err)})`;
        outcome({ kind: 'failed', oldId: job.id, task: job.task, error });
        stop = true;
      }
      continue;
    }
    if (opts.signal?.aborted && !stop) {
      countNotReached(report, opts.signal);
      continue;
    }
    if (stop || opts.dryRun) {
      outcome(
        stop
          ? { kind: 'failed', oldId: job.id, task: job.task, error: 'not attempted (see above)' }
          : { kind: 'would-replay', oldId: job.id, task: job.task },
      );
      if (!stop) replayedAs.set(job.id, '');
      continue;
    }
    const req: EnqueueRequest = {
      task: job.task,
      input: job.input,
      queue,
      maxAttempts: job.maxAttempts,
      idempotencyKey: '',
    };
    if (opts.priorities && job.priority !== undefined) req.priority = job.priority;
    let newId: string;
    let earlier: boolean;
    try {
      req.idempotencyKey = replayKey(letter, job.id, await opts.deathOf?.(job.id));
      // In the dead job's trace (its first run's context as parent): the replay is followed from the
      // same trace id as its ingest, runs and death. A letter without one (a foreign producer's, or
      // from before the ingest started traces) gets a trace of its own, as the ingest would give it.
      const res = await enqueue(req, { traceparent: job.traceparent ?? newTraceparent() });
      newId = res.response.id;
      earlier = res.replayed;
    } catch (err) {
      // The key names a job with no record: only a replay cut off between its claim and its record
      // (a kill, a second Ctrl-C) leaves that. 'A request ... is still being accepted' told the
      // operator nothing of what to do.
      const error =
        err instanceof ConflictError
          ? 'an earlier replay was cut off mid-enqueue: if it published its job, a replay answers with it once it has run; if not, once its key expires (a day by default)'
          : describe(err);
      outcome({ kind: 'failed', oldId: job.id, task: job.task, error });
      // The broker or the store refused: the next ones would wait out the same refusal.
      stop = !(err instanceof WarrenError) || err.status >= 500;
      continue;
    }
    try {
      await take.ack(letter);
      replayedAs.set(job.id, newId);
      outcome({ kind: 'replayed', oldId: job.id, newId, task: job.task, earlier });
    } catch (err) {
      const error = `enqueued as ${newId}, but the letter stays in the DLQ (${describe(err)}); replaying it again answers with that same job`;
      outcome({ kind: 'failed', oldId: job.id, task: job.task, error });
      stop = true;
    }
  }
  if (wanted) report.notFound = [...wanted].filter((id) => !seen.has(id));
  try {
    await take.end();
  } catch (err) {
    const replayed = report.outcomes.some((o) => o.kind === 'replayed');
    report.endError = replayed
      ? `${describe(err)}: the DLQ may still hold letters replayed above; replaying them again answers with the same new jobs`
      : describe(err);
  }
  return report;
}

export const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One more chosen letter left in the DLQ because `signal` stopped the command (Ctrl-C). */
export function countNotReached(
  report: { interrupted?: { by: string; notReached: number } },
  signal: AbortSignal,
) {
  report.interrupted = { by: String(signal.reason), notReached: (report.interrupted?.notReached ?? 0) + 1 };
}
