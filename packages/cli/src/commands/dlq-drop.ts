import { type DeadLetterJson, deadLetterJson } from './dlq-lines';
import { countNotReached, describe, type ReplayLetter, type ReplayTake } from './dlq-replay';
import type { DlqLetter } from './dlq-source';

export interface DropOptions {
  /** These old job ids. */
  ids?: readonly string[];
  /** The letters the queue's codec cannot read. */
  unreadable?: boolean;
  /** Every letter read (neither ids nor unreadable given). */
  all?: boolean;
  dryRun?: boolean;
  /** Aborted (Ctrl-C): no letter is removed past the one in hand. */
  signal?: AbortSignal;
  /** Each letter as it is removed (dry run: chosen). */
  onDropped?: (letter: DeadLetterJson) => void;
}

export interface DropReport {
  dropped: DeadLetterJson[];
  /** Letters read but not chosen: handed back. */
  skipped: number;
  /** Chosen ids not among the letters read. */
  notFound: string[];
  /** Letters left in the DLQ behind the ones read (the limit). */
  remaining: number;
  /** A removal refused (the channel gone): it and the rest are back in the DLQ. */
  failed?: string;
  /** The removals could not be confirmed: some letters listed may still be in the DLQ. */
  endError?: string;
  interrupted?: { by: string; notReached: number };
}

/**
 * Removes the chosen dead letters for good (acked, or deleted from SQS), each one reported as it
 * goes; everything else is handed back. `warren dlq drop`: the explicit way out for a
 * letter that cannot or must not be replayed (unreadable, a task gone from the config).
 */
export async function dropDeadLetters<L extends ReplayLetter & DlqLetter>(
  take: ReplayTake<L>,
  opts: DropOptions,
): Promise<DropReport> {
  const ids = new Set(opts.ids ?? []);
  const report: DropReport = { dropped: [], skipped: 0, notFound: [], remaining: take.remaining ?? 0 };
  const seen = new Set<string>();
  const byDeath = [...take.letters].sort((a, b) => (a.deadAt ?? 0) - (b.deadAt ?? 0));
  for (const letter of byDeath) {
    const id = letter.decoded.ok ? letter.decoded.job.id : undefined;
    if (id) seen.add(id);
    const chosen = opts.all || (id ? ids.has(id) : !!opts.unreadable);
    if (!chosen || report.failed) {
      if (!chosen) report.skipped++;
      continue;
    }
    if (opts.signal?.aborted) {
      countNotReached(report, opts.signal);
      continue;
    }
    const json = deadLetterJson(letter);
    if (!opts.dryRun) {
      try {
        await take.ack(letter);
      } catch (err) {
        report.failed = describe(err);
        continue;
      }
    }
    report.dropped.push(json);
    opts.onDropped?.(json);
  }
  report.notFound = [...ids].filter((id) => !seen.has(id));
  try {
    await take.end();
  } catch (err) {
    report.endError = `${describe(err)}: some letters listed above may still be in the DLQ`;
  }
  return report;
}
