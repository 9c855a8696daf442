/**
 * Writes started without being awaited where they begin (a callback that cannot wait), for a
 * Lambda handler to wait on before it returns: Lambda freezes the process then, and a write still
 * in flight happens on a later invocation, or never.
 */
export function pendingWrites() {
  const pending = new Set<Promise<unknown>>();
  return {
    /** `fn`, its calls' promises kept until they settle. */
    track<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
      return (...args) => {
        const p = fn(...args);
        pending.add(p);
        const forget = () => pending.delete(p);
        p.then(forget, forget);
        return p;
      };
    },
    /** Resolves once every write started so far has settled (their failures are reported where they happen). */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
