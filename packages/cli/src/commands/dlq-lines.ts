import type { DeadLetterRecord, DecodeResult } from '@warren/amqp';
import type { DropReport } from './dlq-drop';
import type { ReplayOutcome, ReplayReport } from './dlq-replay';
import { visibleControls } from './visible-controls';

/** Shortened (by code point, never a half surrogate pair) after escaping, so a line stays one line. */
export function clip(v: string, max = 160): string {
  const chars = [...visibleControls(v)];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

const iso = (ms: number | undefined) =>
  ms === undefined || !Number.isFinite(ms) ? '-' : new Date(ms).toISOString();

/** One dead letter as `dlq list --json` prints it. */
export interface DeadLetterJson {
  jobId: string | null;
  task: string | null;
  attempt: number | null;
  maxAttempts: number | null;
  deadAt: string | null;
  reason: string;
  /** Why the queue's codec cannot read the body (null: readable). */
  unreadable: string | null;
  messageId: string | null;
  input?: unknown;
}

export function deadLetterJson(r: DeadLetterRecord & { decoded?: DecodeResult }): DeadLetterJson {
  const d = r.decoded;
  const job = d?.ok ? d.job : undefined;
  return {
    jobId: job?.id ?? null,
    task: job?.task ?? null,
    attempt: d?.ok ? (d.attempt ?? d.job.attempt) : null,
    maxAttempts: job?.maxAttempts ?? null,
    deadAt: r.deadAt === undefined ? null : iso(r.deadAt),
    reason: r.reason,
    unreadable: d && !d.ok ? d.reason : null,
    messageId: r.messageId ?? null,
    ...(job ? { input: job.input } : {}),
  };
}

/**
 * `dlq list`: one line per letter (job id, task, attempt, dead-at, reason), then what is left
 * (`more` undefined: the DLQ cannot say, as SQS's). `dlq` names it (`emails.dlq`, an SQS URL).
 */
export function listLines(dlq: string, records: DeadLetterJson[], more: number | undefined): string[] {
  if (records.length === 0) return [`${dlq} is empty`];
  const out = records.map(letterLine);
  out.push(
    more === undefined
      ? `${records.length} shown (--limit for more)`
      : more > 0
        ? `${records.length} shown, ${more} more in ${dlq} (--limit to see more)`
        : `${records.length} in ${dlq}`,
  );
  return out;
}

/** One letter: job id, task, attempt, dead-at, reason (unreadable: its message id and why). */
export const letterLine = (r: DeadLetterJson): string =>
  r.jobId === null
    ? `(unreadable)  ${clip(r.messageId ?? '-', 40)}  ${r.deadAt ?? '-'}  ${clip(unreadableWhy(r))}`
    : `${r.jobId}  ${clip(r.task ?? '-', 60)}  attempt ${r.attempt}/${r.maxAttempts}  ${r.deadAt ?? '-'}  ${clip(r.reason)}`;

/** `dlq drop`'s closing lines. */
export function dropSummary(dlq: string, r: DropReport, dryRun: boolean): string[] {
  const nothingRead = !r.dropped.length && !r.skipped && !r.notFound.length && !r.interrupted && !r.failed;
  if (nothingRead) return [`${dlq} is empty`, ...(r.endError ? [r.endError] : [])];
  const parts = [
    dryRun
      ? `${r.dropped.length} would be dropped (dry run: nothing removed)`
      : `${r.dropped.length} dropped from ${dlq}`,
  ];
  if (r.interrupted)
    parts.push(
      `${r.interrupted.notReached} not reached (interrupted by ${r.interrupted.by}; left in ${dlq})`,
    );
  if (r.skipped) parts.push(`${r.skipped} not chosen (left)`);
  if (r.notFound.length)
    parts.push(`not found among them: ${r.notFound.map((id) => clip(id, 60)).join(', ')}`);
  if (r.remaining) parts.push(`${r.remaining} more in ${dlq} not read (--limit)`);
  return [
    parts.join('; '),
    ...(r.failed
      ? [`a removal failed (${clip(r.failed)}): the letters not listed above are back in ${dlq}`]
      : []),
    ...(r.endError ? [r.endError] : []),
  ];
}

/** Why a letter cannot be read, and why it died when that says more (a poison body: the same). */
const unreadableWhy = (r: DeadLetterJson) =>
  !r.unreadable || r.reason.includes(r.unreadable)
    ? r.reason
    : `${r.unreadable} (dead-lettered: ${r.reason})`;

/** `dlq replay`: one outcome's line (old id → new id, or what was left and why). */
export function outcomeLine(dlq: string, o: ReplayOutcome): string {
  if (o.kind === 'replayed')
    return `${o.oldId} → ${o.newId}  ${clip(o.task, 60)}${o.earlier ? '  (replayed before: same job)' : ''}`;
  if (o.kind === 'would-replay') return `${o.oldId}  ${clip(o.task, 60)}  would be replayed`;
  if (o.kind === 'failed') return `${o.oldId}  ${clip(o.task, 60)}  NOT replayed: ${clip(o.error)}`;
  if (o.kind === 'duplicate')
    return `${o.oldId}  ${clip(o.task, 60)}  another letter of the same job: ${o.newId ? `removed (replayed above as ${o.newId})` : 'would be removed'}`;
  return `(unreadable)  left in ${dlq}: ${clip(o.reason)}`;
}

/** `dlq replay`: old id → new id per job, what was left and why, and a summary. */
export function replayLines(dlq: string, r: ReplayReport, dryRun: boolean): string[] {
  return [...r.outcomes.map((o) => outcomeLine(dlq, o)), ...replaySummary(dlq, r, dryRun)];
}

/** `dlq replay`'s closing lines: the counts, and what the acks' failure left (`endError`). */
export function replaySummary(dlq: string, r: ReplayReport, dryRun: boolean): string[] {
  if (r.outcomes.length === 0 && !r.skipped && !r.notFound.length && !r.interrupted)
    return [`${dlq} is empty`, ...(r.endError ? [r.endError] : [])];
  const count = (k: string) => r.outcomes.filter((o) => o.kind === k).length;
  const parts = dryRun
    ? [`${count('would-replay')} would be replayed (dry run: nothing enqueued or removed)`]
    : [`${count('replayed')} replayed`];
  if (count('duplicate'))
    parts.push(`${count('duplicate')} other letter(s) of the same jobs ${dryRun ? 'to remove' : 'removed'}`);
  if (count('failed')) parts.push(`${count('failed')} failed (left in ${dlq})`);
  if (r.interrupted)
    parts.push(
      `${r.interrupted.notReached} not reached (interrupted by ${r.interrupted.by}; left in ${dlq})`,
    );
  if (count('unreadable')) parts.push(`${count('unreadable')} unreadable (left)`);
  if (r.skipped) parts.push(`${r.skipped} not chosen (left)`);
  if (r.notFound.length)
    parts.push(`not found among them: ${r.notFound.map((id) => clip(id, 60)).join(', ')}`);
  if (r.remaining) parts.push(`${r.remaining} more in ${dlq} not read (--limit)`);
  return [parts.join('; '), ...(r.endError ? [r.endError] : [])];
}
