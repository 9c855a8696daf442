/** SQS limits that shape what the adapter sends. */
export const MAX_BATCH_ENTRIES = 10;
/** Per message and per SendMessageBatch request (sum of all bodies and attributes). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** SendMessage DelaySeconds maximum (15 minutes). */
export const MAX_DELAY_S = 900;
/** ChangeMessageVisibility maximum (12 hours). */
export const MAX_VISIBILITY_S = 43_200;
/**
 * Longest a not-yet-due message is hidden for at once: the 12 h cap counts from the receive, and
 * a Lambda invocation may have held the message up to 15 min before it asks.
 */
export const MAX_DEFER_MS = (MAX_VISIBILITY_S - 15 * 60) * 1000;

export const isFifoUrl = (url: string) => url.endsWith('.fifo');

/** Milliseconds → whole seconds (rounded up so a delay is never shortened), capped. */
export const toSeconds = (ms: number, cap: number) => Math.min(cap, Math.max(0, Math.ceil(ms / 1000)));
