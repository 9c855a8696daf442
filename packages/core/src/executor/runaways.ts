/** A task run that outlived its timeout (or the worker's abort) and has not settled. */
export interface Runaway {
  jobId: string;
  task: string;
  attempt: number;
  /** Epoch ms when it was given up on. */
  since: number;
}

/**
 * The runs a worker stopped waiting for but JS could not stop: a task that ignores its signal
 * keeps its CPU, memory and sockets until its promise settles, maybe never. Celery's hard time
 * limit kills the child process; here they stay counted against the worker's concurrency, so
 * runaways cannot pile up without bound, and a worker they fill stops consuming (what it had
 * prefetched goes back to the queue for other workers) until one settles, and reports itself
 * unhealthy for its orchestrator to restart. The job itself is retried or failed as for any
 * timeout.
 */
export class Runaways {
  private readonly live = new Set<Runaway>();
  private readonly listeners = new Set<(change: 'added' | 'settled', r: Runaway) => void>();

  get count(): number {
    return this.live.size;
  }

  list(): Runaway[] {
    return [...this.live];
  }

  track(run: Promise<unknown>, info: Omit<Runaway, 'since'>): void {
    const r: Runaway = { ...info, since: Date.now() };
    this.live.add(r);
    this.emit('added', r);
    const settled = () => {
      this.live.delete(r);
      this.emit('settled', r);
    };
    run.then(settled, settled);
  }

  /** Called on each new runaway and each one that finally settles; returns the unsubscribe. */
  onChange(fn: (change: 'added' | 'settled', r: Runaway) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(change: 'added' | 'settled', r: Runaway): void {
    for (const fn of this.listeners) fn(change, r);
  }
}
