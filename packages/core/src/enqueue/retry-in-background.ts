import { TransportError } from '@warren/protocol';

/**
 * `attempt` (a store call safe to repeat) tried in the background after growing pauses (100 ms,
 * doubling up to `maxPauseMs`) until a try is answered, the store refuses it for good (a
 * TransportError that is not recoverable) or the next try would start past `until` (epoch ms);
 * then `onEnd`, once. The timers do not keep a process alive.
 */
export function retryInBackground(
  attempt: () => Promise<unknown>,
  until: number,
  maxPauseMs: number,
  onEnd?: () => void,
): void {
  const again = (pauseMs: number) => {
    if (Date.now() + pauseMs >= until) return onEnd?.();
    const timer = setTimeout(
      () =>
        attempt().then(
          () => onEnd?.(),
          (err: unknown) => {
            if (err instanceof TransportError && !err.recoverable) onEnd?.();
            else again(Math.min(pauseMs * 2, maxPauseMs));
          },
        ),
      pauseMs,
    ) as { unref?: () => void };
    timer.unref?.();
  };
  again(100);
}
