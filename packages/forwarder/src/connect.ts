import amqp, { type ChannelModel } from 'amqplib';
import { redactUrl } from './redact';

/** The AMQP heartbeat (s) asked for when a URL sets none: a dead peer is noticed in seconds. */
export const HEARTBEAT_S = 5;

/**
 * `url` with a heartbeat: HEARTBEAT_S when it sets none; with `maxS`, a longer one or 0 (none) is
 * lowered to `maxS`. A frozen process (SIGSTOP, a frozen Lambda, a paused VM) sends no heartbeats
 * while its kernel still answers TCP, so the broker's heartbeat timeout (~3 heartbeats) alone
 * ends its connection: with heartbeat=60 the link lease stayed held ~3 min, with 0 for ever.
 */
export function withHeartbeat(url: string, maxS?: number): string {
  const m = /([?&])heartbeat=([^&#]*)/.exec(url);
  if (!m) return `${url}${url.includes('?') ? '&' : '?'}heartbeat=${HEARTBEAT_S}`;
  const set = Number(m[2]);
  if (maxS === undefined || (set > 0 && set <= maxS)) return url;
  return url.replace(m[0], `${m[1]}heartbeat=${maxS}`);
}

/**
 * Connects to the first node of a cluster that answers, in the given order, with a heartbeat
 * (see withHeartbeat; `maxHeartbeatS` for the connection that holds the lease).
 */
export async function connectFirst(
  urls: string[],
  what: string,
  opts: { maxHeartbeatS?: number } = {},
): Promise<{ conn: ChannelModel; url: string }> {
  if (urls.length === 0) throw new Error(`${what}: no broker URLs`);
  const errors: string[] = [];
  for (const url of urls) {
    try {
      const conn = await amqp.connect(withHeartbeat(url, opts.maxHeartbeatS), {
        timeout: 5000,
        noDelay: true,
      });
      return { conn, url };
    } catch (err) {
      errors.push(`${redactUrl(url)}: ${(err as Error).message}`);
    }
  }
  throw new Error(`${what}: no node reachable (${errors.join('; ')})`);
}

/** Closes quietly: used on teardown, where the peer may already be gone. */
export async function closeQuietly(conn: { close(): Promise<void> } | undefined): Promise<void> {
  if (!conn) return;
  try {
    await Promise.race([conn.close(), new Promise((r) => setTimeout(r, 1000))]);
  } catch {
    // already closed or broken: nothing to release
  }
}
