import amqp, { type ChannelModel } from 'amqplib';
import { redactUrl } from './redact';

/**
 * Connects to the first node of a cluster that answers, in the given order. A heartbeat is added
 * when the URL has none, so a dead peer (kill -9, cable cut) is noticed in seconds, not minutes.
 */
export async function connectFirst(
  urls: string[],
  what: string,
): Promise<{ conn: ChannelModel; url: string }> {
  if (urls.length === 0) throw new Error(`${what}: no broker URLs`);
  const errors: string[] = [];
  for (const url of urls) {
    try {
      const withHb = /[?&]heartbeat=/.test(url) ? url : `${url}${url.includes('?') ? '&' : '?'}heartbeat=5`;
      const conn = await amqp.connect(withHb, { timeout: 5000, noDelay: true });
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
