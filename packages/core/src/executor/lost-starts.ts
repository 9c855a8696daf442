/** Job attempts remembered at once; the oldest is forgotten first (a Map keeps insertion order). */
const MAX_REMEMBERED = 10_000;
/** The longest pause between tries to give a lost start's job back (see `remember`). */
const MAX_PAUSE_MS = 2000;

interface Lost {
  owner: string;
  /** No more give-back tries: one was answered, a copy took the owner, or it was forgotten. */
  over: boolean;
  timer?: ReturnType<typeof setTimeout>;
  /** The try being made: resolves to whether the store answered it. */
  trying?: Promise<boolean>;
}

/**
 * The owners of run starts this executor may have made without learning it: the write failed on
 * an unreachable store (a timeout, a reset after the store ran it), the retries too, and the
 * delivery went back. Had it been applied, the job's record is `running` under that owner's lease
 * though no run began: a copy coming back here would be deferred the whole lease, then take it
 * for a dead worker's run (WorkerLostError, its attempt spent: dead-lettered on the last one).
 * The copy asks first to renew that owner's lease instead; granted, the start was this
 * executor's and the run is its own. A copy taken by another worker (or Lambda container) cannot
 * know: so the start is also given back (`giveBack`: `retrying` under that owner, refused unless
 * it holds the job) in the background until the store answers. A store that held the write (a
 * frozen Redis) runs it before any command of a connection made since, so an answered give-back
 * came after it; the copy then starts the job as any other, within the lease it would have waited.
 * A copy here still asks to renew first (a store that does not keep that order, REST, may run
 * the start after its give-back).
 */
export function lostStarts() {
  const lost = new Map<string, Lost>();
  const stop = (l: Lost) => {
    l.over = true;
    if (l.timer !== undefined) clearTimeout(l.timer);
  };
  const end = (key: string, l: Lost) => {
    stop(l);
    if (lost.get(key) === l) lost.delete(key);
  };
  return {
    remember(key: string, owner: string, giveBack: () => Promise<unknown>, forMs: number): void {
      const before = lost.get(key);
      if (before) end(key, before);
      const l: Lost = { owner, over: false };
      lost.set(key, l);
      if (lost.size > MAX_REMEMBERED) {
        const [oldKey, old] = lost.entries().next().value as [string, Lost];
        end(oldKey, old);
      }
      const until = Date.now() + forMs;
      const again = (pauseMs: number) => {
        if (l.over) return;
        if (Date.now() + pauseMs >= until) return end(key, l);
        l.timer = setTimeout(() => {
          l.timer = undefined;
          l.trying = giveBack().then(
            () => true,
            () => false,
          );
          void l.trying.then((answered) => {
            l.trying = undefined;
            if (answered) stop(l);
            else again(Math.min(pauseMs * 2, MAX_PAUSE_MS));
          });
        }, pauseMs);
        (l.timer as { unref?: () => void }).unref?.();
      };
      again(100);
    },
    /**
     * The owner of a start of `key` (job id / attempt) that may have been applied, forgotten once
     * taken. A give-back in flight is waited for: landing after the copy renewed the lease, it
     * took the job from a run.
     */
    take(key: string): string | undefined | Promise<string> {
      const l = lost.get(key);
      if (!l) return undefined;
      end(key, l);
      return l.trying ? l.trying.then(() => l.owner) : l.owner;
    },
  };
}
