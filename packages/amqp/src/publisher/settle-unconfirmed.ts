import { TransportError } from '@warren/core';
import type { ChannelState, Pending } from './pending-publish';

/** How often a close looks at what is still unconfirmed (a close is rare: polling beats a hook per ack). */
const POLL_MS = 10;
/**
 * No confirm at all for this long, with some still due, means the rest will not come (a healthy
 * node sends confirms within milliseconds to tens of ms); a close waits no longer than that.
 */
const QUIET_MS = 500;

/**
 * At close: waits for the confirms still due while the broker keeps answering (any ack, nack or
 * return counts). Once QUIET_MS pass with nothing back, or `maxMs` in all, what is left will not
 * be confirmed (a lost confirm, a silent node): those publishes fail, recoverable (the message may
 * have landed; a resend is deduped by its id), so no caller is left waiting. True when nothing
 * was left unconfirmed.
 */
export async function settleUnconfirmed(
  states: Iterable<ChannelState>,
  maxMs: number,
  fail: (p: Pending, err: Error) => void,
): Promise<boolean> {
  const t0 = Date.now();
  const quietMs = Math.min(QUIET_MS, maxMs);
  let heard = -1;
  let quietSince = t0;
  for (;;) {
    let left = 0;
    let h = 0;
    for (const st of states) {
      h += st.heard;
      for (const p of st.unconfirmed.values()) if (!p.done) left++;
    }
    if (left === 0) return true;
    const now = Date.now();
    if (h !== heard) {
      heard = h;
      quietSince = now;
    }
    if (now - quietSince >= quietMs || now - t0 >= maxMs) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const err = new TransportError(
    `publisher closed before the broker confirmed (nothing came back for ${Date.now() - quietSince} ms)`,
    true,
  );
  for (const st of states) for (const p of st.unconfirmed.values()) if (!p.done) fail(p, err);
  return false;
}
