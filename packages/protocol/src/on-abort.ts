interface Hub {
  fns: Set<() => void>;
  fire: () => void;
}

const hubs = new WeakMap<AbortSignal, Hub>();

/**
 * Runs `fn` when `signal` aborts, until the returned function is called. One listener on a signal
 * however many calls share it: Node warns of a leak ("11 abort listeners added to [AbortSignal]")
 * past 10 on one signal, and one shutdown signal given to many calls at once is common (global
 * fetch takes it so without a warning). The listener goes once no call is left on it.
 * A subpath of its own (`@warren/protocol/on-abort`): the SDK's HTTP client takes it without zod.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let hub = hubs.get(signal);
  if (!hub) {
    const fns = new Set<() => void>();
    const fire = () => {
      hubs.delete(signal);
      for (const f of fns) f();
    };
    hub = { fns, fire };
    hubs.set(signal, hub);
    signal.addEventListener('abort', fire, { once: true });
  }
  const own = hub;
  // A wrapper of its own: the same `fn` twice is two subscriptions.
  const entry = () => fn();
  own.fns.add(entry);
  return () => {
    own.fns.delete(entry);
    if (own.fns.size > 0 || hubs.get(signal) !== own) return;
    hubs.delete(signal);
    signal.removeEventListener('abort', own.fire);
  };
}
