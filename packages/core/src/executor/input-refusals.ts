/** Job ids remembered at once; the oldest is forgotten first (a Map keeps insertion order). */
const MAX_REMEMBERED = 10_000;
/**
 * Deliveries of one job whose record write carrying its input was refused for memory before the
 * input is left out: one refusal may be a neighbour's (a write batched with a large one is refused
 * with it, and Redis keeps a large argument's buffer a moment after), the same job refused this
 * often is too large for the memory Redis has left.
 */
export const FULL_REFUSALS_BEFORE_NO_INPUT = 3;

/**
 * Per job, in this process, how many deliveries had a write with its input refused for memory
 * (StoreFullError), so the executor can tell a Redis full for a moment from a job too large for it
 * (see refused-record.ts). A delivery handed back keeps its attempt, so the count is the
 * executor's, as the poison guard's is the worker's.
 */
export function inputRefusals() {
  const counts = new Map<string, number>();
  // A delivery's writes are retried for a moment (see store-outage-retry.ts): counted once.
  const counted = new WeakSet<object>();
  return {
    /** Notes `delivery` of job `id` refused; returns the job's deliveries refused so far. */
    refused(id: string, delivery: object): number {
      let n = counts.get(id) ?? 0;
      if (counted.has(delivery)) return n;
      counted.add(delivery);
      n++;
      counts.delete(id);
      counts.set(id, n);
      if (counts.size > MAX_REMEMBERED) counts.delete(counts.keys().next().value as string);
      return n;
    },
    forget(id: string): void {
      counts.delete(id);
    },
  };
}

export type InputRefusals = ReturnType<typeof inputRefusals>;
