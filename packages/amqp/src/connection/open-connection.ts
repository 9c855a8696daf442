import amqp, { type ChannelModel } from 'amqplib';
import { coalesceWrites } from './coalesce-writes';

export interface OpenOptions {
  heartbeatS: number;
  timeoutMs: number;
  /** Extra socket/TLS options (ca, cert, key, servername) for amqps:// nodes. */
  socketOptions?: Record<string, unknown>;
  connectionName?: string;
  /**
   * TCP_NODELAY (default off, as amqplib leaves it). With Nagle on, a frame sent after one the
   * broker never answers (an ack) waits for its delayed TCP ACK (~40 ms): the CLI's dead-letter
   * replay (ack a letter, publish its job, on one connection) turns it on. The job paths keep it
   * off: their frames flow both ways, and measured end to end (bench e2e-throughput, 4 runs each,
   * quiet box) Nagle off cost a fifth of warren's throughput (0.53x raw vs 0.67x): acks went out
   * as many small segments that RabbitMQ read one by one.
   */
  noDelay?: boolean;
}

/** Adds `heartbeat` to the URL unless the URL sets its own. */
export function withHeartbeat(url: string, heartbeatS: number): string {
  if (/[?&]heartbeat=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}heartbeat=${heartbeatS}`;
}

/**
 * amqplib drops the reply code of a connection.close sent in answer to connection.open (the
 * message is only "Expected ConnectionOpenOk; got <ConnectionClose channel:0>"). RabbitMQ sends
 * it for a missing vhost, no permission on it, or a connection limit: NOT_ALLOWED/ACCESS_REFUSED,
 * which retrying the same way cannot fix, so say so (code 530 → not recoverable).
 */
export function explainOpenRefusal(err: unknown, url: string): unknown {
  const msg = (err as Error | undefined)?.message;
  if (typeof msg !== 'string' || !/^Expected ConnectionOpenOk; got <ConnectionClose/.test(msg)) return err;
  let vhost = '/';
  try {
    vhost = decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
  } catch {}
  return Object.assign(
    new Error(
      `NOT_ALLOWED - the broker refused to open vhost "${vhost}" (missing, no permission, or a connection limit)`,
      { cause: err },
    ),
    { code: 530 },
  );
}

/**
 * One AMQP connection (amqps:// gets TLS from amqplib), bounded in time as a whole: the socket
 * timeout only covers TCP connect, a node that accepts TCP but never finishes the handshake
 * (booting, overloaded) must not hang a failover.
 */
export function openConnection(url: string, opts: OpenOptions): Promise<ChannelModel> {
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(Object.assign(new Error(`connect timed out after ${opts.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, opts.timeoutMs);
    amqp
      .connect(withHeartbeat(url, opts.heartbeatS), {
        timeout: opts.timeoutMs,
        clientProperties: { connection_name: opts.connectionName ?? 'warren' },
        noDelay: opts.noDelay === true,
        ...opts.socketOptions,
      })
      .then(
        (model) => {
          // At once, before anyone else holds it: a socket that drops while this connection is
          // being closed unwanted (it opened after the timeout, or after the cluster connection
          // was closed) emits 'error', and with no listener that crashed the process. 'close'
          // follows with the same error for those who do use it.
          model.on('error', () => {});
          clearTimeout(timer);
          if (timedOut) {
            model.close().catch(() => {});
            return;
          }
          coalesceWrites(model);
          resolve(model);
        },
        (err) => {
          clearTimeout(timer);
          if (!timedOut) reject(explainOpenRefusal(err, url));
        },
      );
  });
}
