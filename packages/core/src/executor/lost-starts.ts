/** Job attempts remembered at once; the oldest is forgotten first (a Map keeps insertion order). */
const MAX_REMEMBERED = 10_000;

/**
 * The owners of run starts this executor may have made without learning it: the write failed on
 * an unreachable store (a timeout, a reset after the store ran it), the retries too, and the
 * delivery went back. Had it been applied, the job's record is `running` under that owner's lease
 * though no run began: a copy coming back here would be deferred the whole lease, then take it
 * for a dead worker's run (WorkerLostError, its attempt spent: dead-lettered on the last one).
 * The copy asks first to renew that owner's lease instead; granted, the start was this
 * executor's and the run is its own. Only this process knows: a copy taken by another worker
 * (or Lambda container) meets the lease as before.
 */
export function lostStarts() {
  const owners = new Map<string, string>();
  return {
    remember(key: string, owner: string): void {
      owners.delete(key);
      owners.set(key, owner);
      if (owners.size > MAX_REMEMBERED) owners.delete(owners.keys().next().value as string);
    },
    /** The owner of a start of `key` (job id / attempt) that may have been applied, forgotten once taken. */
    take(key: string): string | undefined {
      const owner = owners.get(key);
      owners.delete(key);
      return owner;
    },
  };
}
