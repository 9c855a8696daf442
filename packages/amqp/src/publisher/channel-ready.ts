/**
 * Publishes that arrive while the publisher channel is being reopened after a channel error (the
 * connection is up) wait here for the new channel, until their own deadline, instead of failing
 * as "not connected" while a reopen is a round trip or two away.
 */
export class ChannelReady {
  private readonly waiters = new Set<() => void>();

  /** Resolves when `ready()` is called or after `ms` (the caller re-checks its channel). */
  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** A channel opened (or the publisher closed): wake every waiter. */
  ready(): void {
    for (const done of [...this.waiters]) done();
  }
}
