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
  const attempt = (async () => {
    const model = await openConnection(url, { ...opts, connectionName: 'warren health check' });
    try {
      model.on('error', () => {});
      const ch = await model.createChannel();
      await ch.checkExchange('amq.direct');
    } finally {
      await model.close().catch(() => {});
    }
  })();
  attempt.catch(() => {});
  try {
    await Promise.race([attempt, timeout]);
    return { ok: true, latencyMs: performance.now() - t0 };
  } catch (err) {
    return { ok: false, latencyMs: performance.now() - t0, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
