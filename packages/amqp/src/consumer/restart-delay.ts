const FIRST_MS = 1000;
const MAX_MS = 30_000;

/**
 * The pause before a subscription's next start: 1 s, doubling to 30 s while the broker keeps
 * refusing (another consumer holds the queue exclusively, a permission is missing): a steady
 * retry every second would never end.
 */
export const restartDelayMs = (restarts: number): number => Math.min(MAX_MS, FIRST_MS * 2 ** restarts);
