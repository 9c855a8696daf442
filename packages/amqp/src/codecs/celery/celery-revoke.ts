import { TransportError } from '@warren/core';
import type { Options } from 'amqplib';
import { bounded, closeOrDestroy } from '../../connection/no-answer';
import { redactUrl } from '../../connection/node-urls';
import { openConnection } from '../../connection/open-connection';
import { classifyAmqpError } from '../../errors/classify-amqp-error';
import { CELERY_CONTENT_ENCODING, CELERY_CONTENT_TYPE } from './celery-codec';

/**
 * What `app.control.revoke(task_id)` publishes (Celery 5.2 `celery/app/control.py` `revoke` →
 * `broadcast` → kombu 5.2 `pidbox.Mailbox._publish`): a cast (no `ticket`/`reply_to`, no answer
 * awaited) to every worker (`destination: null`), on the fanout exchange `<control_exchange>.pidbox`
 * each worker's `<hostname>.celery.pidbox` queue is bound to. Only produced here, never parsed.
 */
export interface RevokeBroadcast {
  method: 'revoke';
  arguments: { task_id: string | string[]; terminate: boolean; signal: string };
  destination: string[] | null;
  pattern: string | null;
  matcher: string | null;
}

/** Celery's `control_exchange` default; the exchange is `<name>.pidbox`. */
export const CELERY_CONTROL_EXCHANGE = 'celery';

export function revokeMessage(taskId: string | string[]): {
  body: RevokeBroadcast;
  content: Buffer;
  properties: Options.Publish;
} {
  // terminate false: a revoke stops a task that has not started; one already running finishes.
  const body: RevokeBroadcast = {
    method: 'revoke',
    arguments: { task_id: taskId, terminate: false, signal: 'SIGTERM' },
    destination: null,
    pattern: null,
    matcher: null,
  };
  return {
    body,
    content: Buffer.from(JSON.stringify(body), 'utf8'),
    properties: {
      contentType: CELERY_CONTENT_TYPE,
      contentEncoding: CELERY_CONTENT_ENCODING,
      deliveryMode: 2, // as kombu's producer sends it (it publishes by exchange name, not the transient Exchange)
      // kombu's headers: `clock` (Lamport; workers take max(theirs, ours) + 1), `expires` 0 = never
      // (Celery's 1 s would drop the revoke at a worker whose clock runs ahead of ours).
      headers: { clock: 0, expires: 0 },
    },
  };
}

export interface CeleryRevokerOptions {
  /** One cluster's node URLs, tried in order until one confirms. */
  urls: readonly string[];
  /** Celery's `control_exchange` (default `celery`). */
  controlExchange?: string;
  /** Bounds connect, declare and confirm, per node (default 5 s). */
  timeoutMs?: number;
  socketOptions?: Record<string, unknown>;
}

export interface CeleryRevoker {
  /** Resolves once a node confirmed the broadcast; a TransportError naming every node tried otherwise. */
  revoke(taskId: string | string[]): Promise<void>;
}

/**
 * Revokes Celery tasks as `app.control.revoke` does. Each broadcast opens a connection of its own,
 * confirms, and closes it: cancels are rare, so nothing is kept open (no lifecycle for the ingest
 * to manage), and a `celery.pidbox` exchange declared with other arguments fails only this channel,
 * never the job publisher's.
 */
export function createCeleryRevoker(opts: CeleryRevokerOptions): CeleryRevoker {
  const exchange = `${opts.controlExchange ?? CELERY_CONTROL_EXCHANGE}.pidbox`;
  const timeoutMs = opts.timeoutMs ?? 5000;

  async function via(url: string, content: Buffer, properties: Options.Publish): Promise<void> {
    const model = await openConnection(url, {
      heartbeatS: 0,
      timeoutMs,
      socketOptions: opts.socketOptions,
      connectionName: 'warren celery-revoke',
    });
    model.on('error', () => {}); // the pending call below rejects with it
    try {
      const send = async () => {
        const ch = await model.createConfirmChannel();
        ch.on('error', () => {});
        // As kombu declares it: fanout, not durable, not auto-delete.
        await ch.assertExchange(exchange, 'fanout', { durable: false, autoDelete: false });
        await new Promise<void>((resolve, reject) =>
          ch.publish(exchange, '', content, properties, (err) => (err ? reject(err) : resolve())),
        );
      };
      await bounded(send(), timeoutMs, `celery revoke broadcast on ${exchange}`);
    } finally {
      await closeOrDestroy(model, timeoutMs);
    }
  }

  return {
    async revoke(taskId) {
      const { content, properties } = revokeMessage(taskId);
      const failures: string[] = [];
      for (const url of opts.urls) {
        try {
          return await via(url, content, properties);
        } catch (err) {
          failures.push(`${redactUrl(url)}: ${classifyAmqpError(err, 'revoke').message}`);
        }
      }
      throw new TransportError(
        `Celery revoke of ${String(taskId)} not broadcast on ${exchange} (${failures.join('; ') || 'no node URLs'})`,
        true,
      );
    },
  };
}
