import type { ChannelModel } from 'amqplib';
import { closeOrDestroy } from './no-answer';
import { type OpenOptions, openConnection } from './open-connection';

export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/**
 * A node is healthy when it accepts a connection, opens a channel and answers a passive declare
 * of a built-in exchange within the timeout (the cheapest round trip that touches the broker's
 * metadata store, so a node that is up but not serving fails).
 */
export async function probeNode(url: string, opts: OpenOptions): Promise<ProbeResult> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`health check timed out after ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
  });
  let model: ChannelModel | undefined;
  let over = false;
  // Closed however the probe ends, bounded (the socket destroyed if the close goes unanswered):
  // a node silent after the handshake kept every timed-out probe's connection open for good,
  // heartbeats flowing, one more per check. Not awaited: a silent node must not double the check.
  const release = (m: ChannelModel) => void closeOrDestroy(m, opts.timeoutMs);
  const attempt = (async () => {
    const m = await openConnection(url, { ...opts, connectionName: 'warren health check' });
    if (over) return release(m); // opened just after the timeout
    model = m;
    const ch = await m.createChannel();
    // As every other short-lived channel here: a channel the broker closes with an error emits
    // 'error', which unlistened is an uncaught exception; the failing call rejects with it anyway.
    ch.on('error', () => {});
    await ch.checkExchange('amq.direct');
  })();
  attempt.catch(() => {});
  try {
    await Promise.race([attempt, timeout]);
    return { ok: true, latencyMs: performance.now() - t0 };
  } catch (err) {
    return { ok: false, latencyMs: performance.now() - t0, error: (err as Error).message };
  } finally {
    over = true;
    clearTimeout(timer);
    if (model) release(model);
  }
}
