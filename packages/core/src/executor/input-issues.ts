import type { SchemaIssue } from '../task/parse-schema';
import { MAX_TEXT } from './errors';

/** Issues named in the record's error; the rest are counted. */
const MAX_SHOWN = 20;

/**
 * The record's error message for an input the task's schema refuses. Bounded: a schema reports
 * one issue per bad element, and 250,000 of them (a 500 KB message) joined into 14 MB, which the
 * 'failed' write carried: over Upstash's request limit it was refused on every delivery, so the
 * job went round the queue for ever instead of to the DLQ. Only on the failure path.
 */
export function describeInputIssues(issues: readonly SchemaIssue[]): string {
  const more =
    issues.length > MAX_SHOWN ? ` (and ${(issues.length - MAX_SHOWN).toLocaleString('en-US')} more)` : '';
  const shown = issues
    .slice(0, MAX_SHOWN)
    .map((i) => `${i.path.map(String).join('.') || '(input)'}: ${i.message}`)
    .join('; ');
  const room = MAX_TEXT - more.length;
  return (shown.length > room ? `${shown.slice(0, room - 1)}…` : shown) + more;
}
