import type { ChannelModel } from 'amqplib';
import { bounded, closeOrDestroy } from '../../connection/no-answer';
import { redactUrl } from '../../connection/node-urls';
import { openConnection } from '../../connection/open-connection';
import { CELERY_CONTROL_EXCHANGE } from './celery-revoke';
import { isPlainObject } from './input-mapping';

/** A revoke as Celery's `app.control.revoke(ids, terminate=…)` / `AsyncResult.revoke()` broadcasts it. */
export interface HeardRevoke {
  taskIds: string[];
  terminate: boolean;
}

export interface RevokeListenerOptions {
  /** One cluster's node URLs, tried in order. */
  urls: readonly string[];
  /** Celery's `control_exchange` (default `celery`); the exchange is `<name>.pidbox`. */
  controlExchange?: string;
  onRevoke(revoke: HeardRevoke): Promise<void> | void;
  /** A failed connect, a lost connection (it reconnects), a failed onRevoke. */
  onError?(err: unknown): void;
  /** Bounds connect and declare, per node (default 5 s). */
  timeoutMs?: number;
  /** Pause before reconnecting (default 2 s). */
  retryMs?: number;
  socketOptions?: Record<string, unknown>;
}

export interface RevokeListener {
  /** Resolves once it listens (it keeps trying, and reports through onError, until then). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Reads a control message from `<control_exchange>.pidbox`: the revoke ids, or undefined for any
 * other command (ping, stats…) or one addressed to named Celery workers (`destination`).
 */
export function parseRevoke(content: Buffer): HeardRevoke | undefined {
  let body: unknown;
  try {
    body = JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isPlainObject(body) || body.method !== 'revoke' || !isPlainObject(body.arguments)) return undefined;
  if (Array.isArray(body.destination) && body.destination.length > 0) return undefined;
  const raw = body.arguments.task_id;
  const ids = (Array.isArray(raw) ? raw : [raw]).filter(
    (x): x is string => typeof x === 'string' && x !== '',
  );
  if (ids.length === 0) return undefined;
  return { taskIds: ids, terminate: body.arguments.terminate === true };
}

/**
 * Hears Celery's revoke broadcasts as a Celery worker does: a server-named exclusive queue bound
 * to the fanout `celery.pidbox` exchange (declared as kombu declares it). Without it a warren
 * worker ran a task the Python client had revoked (`AsyncResult.revoke()` of a task waiting for
 * its ETA). Broadcasts are transient, as in Celery: one sent while no connection is up is missed.
 */
export function listenForCeleryRevokes(opts: RevokeListenerOptions): RevokeListener {
  const exchange = `${opts.controlExchange ?? CELERY_CONTROL_EXCHANGE}.pidbox`;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const report = opts.onError ?? ((err: unknown) => console.error('celery revoke listener:', err));
  let closed = false;
  let model: ChannelModel | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  async function listenOn(url: string): Promise<ChannelModel> {
    const m = await openConnection(url, {
      heartbeatS: 30,
      timeoutMs,
      socketOptions: opts.socketOptions,
      connectionName: 'warren celery-revoke-listener',
    });
    m.on('error', () => {}); // 'close' follows and reconnects
    try {
      await bounded(
        (async () => {
          const ch = await m.createChannel();
          ch.on('error', () => {});
          await ch.assertExchange(exchange, 'fanout', { durable: false, autoDelete: false });
          const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
          await ch.bindQueue(queue, exchange, '');
          await ch.consume(queue, (msg) => msg && heard(msg.content), { noAck: true });
        })(),
        timeoutMs,
        `celery revoke listener on ${exchange}`,
      );
    } catch (err) {
      await closeOrDestroy(m, timeoutMs);
      throw err;
    }
    return m;
  }

  function heard(content: Buffer): void {
    const revoke = parseRevoke(content);
    if (!revoke) return;
    Promise.resolve()
      .then(() => opts.onRevoke(revoke))
      .catch((err: unknown) => report(err));
  }

  async function connect(): Promise<void> {
    if (closed) return;
    const failures: string[] = [];
    for (const url of opts.urls) {
      try {
        const m = await listenOn(url);
        if (closed) return void (await closeOrDestroy(m, timeoutMs));
        model = m;
        m.once('close', () => {
          model = undefined;
          if (!closed) schedule(new Error(`celery revoke listener: connection to ${redactUrl(url)} lost`));
        });
        markReady();
        return;
      } catch (err) {
        failures.push(`${redactUrl(url)}: ${(err as Error).message}`);
      }
    }
    schedule(new Error(`celery revoke listener not listening on ${exchange} (${failures.join('; ')})`));
  }

  function schedule(err: Error): void {
    report(err);
    if (closed) return;
    retry = setTimeout(() => void connect(), opts.retryMs ?? 2000);
  }

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      const m = model;
      model = undefined;
      if (m) await closeOrDestroy(m, timeoutMs);
    },
  };
}
