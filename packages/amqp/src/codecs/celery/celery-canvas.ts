import { isPlainObject } from './input-mapping';

/**
 * Celery canvas in a protocol v2 message's embed (`[args, kwargs, embed]`): `callbacks` (link=),
 * `errbacks` (link_error=), `chain` (the next tasks, last first), `chord` (the callback a chord's
 * header tasks feed). warren's worker runs one task per message and none of these: run as if they
 * were not there, a chain's next tasks and a callback never happen and the client's AsyncResult
 * (a chain's or chord's is the last task's) waits for ever. So such a message is refused, naming
 * what it carries, and the ids Celery froze into it are given so they get the FAILURE too.
 */
export interface CanvasRefusal {
  reason: string;
  /** Task ids the client may wait on besides the message's own (chain steps, chord callback). */
  taskIds: string[];
}

const MAX_IDS = 100;

export function canvasRefusal(embed: unknown): CanvasRefusal | undefined {
  if (!isPlainObject(embed)) return undefined;
  const parts: string[] = [];
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  const chain = count(embed.chain);
  if (chain > 0) parts.push(`a chain (${chain} more task${chain === 1 ? '' : 's'})`);
  if (count(embed.callbacks) > 0) parts.push('link callbacks');
  if (count(embed.errbacks) > 0) parts.push('link_error errbacks');
  if (embed.chord !== null && embed.chord !== undefined) parts.push('a chord callback');
  if (parts.length === 0) return undefined;
  const taskIds = new Set<string>();
  collectTaskIds([embed.chain, embed.chord, embed.callbacks, embed.errbacks], taskIds, 0);
  return {
    reason:
      `Celery canvas is not run by warren's worker: this message carries ${parts.join(', ')}; ` +
      'send each task by itself, or consume this queue with a Celery worker',
    taskIds: [...taskIds],
  };
}

/** Every `options.task_id` of the signatures in `v` (nested groups, chains, chords included). */
function collectTaskIds(v: unknown, into: Set<string>, depth: number): void {
  if (depth > 32 || into.size >= MAX_IDS) return;
  if (Array.isArray(v)) {
    for (const x of v) collectTaskIds(x, into, depth + 1);
    return;
  }
  if (!isPlainObject(v)) return;
  const id = isPlainObject(v.options) ? v.options.task_id : undefined;
  if (typeof id === 'string' && id !== '') into.add(id);
  for (const x of Object.values(v))
    if (typeof x === 'object' && x !== null) collectTaskIds(x, into, depth + 1);
}
