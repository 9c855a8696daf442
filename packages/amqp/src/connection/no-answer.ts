import { TransportError } from '@warren/core';
import type { Channel, ChannelModel } from 'amqplib';

/**
 * The broker accepted the connection but did not answer a method in time (resource alarm, a
 * partition after connect, a wedged node). Recoverable: another attempt, node or region may work.
 */
export class NoAnswerError extends TransportError {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms: the broker stopped answering`, true);
  }
}

/**
 * `p`, or a NoAnswerError after `ms`. amqplib waits for every reply without a limit, and heartbeats
 * keep a silent-but-alive connection open, so every wait on a reply goes through this.
 */
export function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswerError(what, ms)), Math.max(0, ms));
  });
  p.catch(() => {}); // settles after the timeout: nobody listens any more
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `fn` on a channel of its own (its errors reach `fn`'s rejection, not the connection), closes
 * it, and bounds the whole by `ms`: declares and queue checks must not hang on a silent broker.
 */
export function onTempChannel<T>(
  model: ChannelModel,
  ms: number,
  what: string,
  fn: (ch: Channel) => Promise<T>,
): Promise<T> {
  const run = async () => {
    const ch = await model.createChannel();
    ch.on('error', () => {}); // the failing call rejects with the same error
    try {
      return await fn(ch);
    } finally {
      await ch.close().catch(() => {});
    }
  };
  return bounded(run(), ms, what);
}

/**
 * Closes `model`; when the broker does not answer the close within `ms`, destroys the socket
 * (amqplib then fails every pending reply and emits 'close', which the reconnect logic follows).
 */
export async function closeOrDestroy(model: ChannelModel, ms: number): Promise<void> {
  try {
    await bounded(model.close(), ms, 'connection close');
  } catch (err) {
    if (!(err instanceof NoAnswerError)) return; // already closed
    destroySocket(model, err);
  }
}

/** Ends the connection's socket now (amqplib fails every pending reply and emits 'close'). */
export function destroySocket(model: ChannelModel, err: Error): void {
  const stream = (model as unknown as { connection?: { stream?: { destroy(e?: Error): void } } }).connection
    ?.stream;
  stream?.destroy(err);
}

/**
 * Whether the node still answers a read (a passive declare of a built-in exchange) within
 * min(`ms`, 2 s). Seen on a 3-node cluster with one node stopped (SIGSTOP): until the others gave
 * up on it (net_ticktime, ~60 s) every queue.bind, and a consume of a quorum queue it led, waited
 * for it, while reads, declares of existing queues and exchanges, and publishes to quorum queues
 * led elsewhere went on. Such a wait must not cost the connection to a node that serves.
 */
export function answersReads(model: ChannelModel, ms: number): Promise<boolean> {
  return onTempChannel(model, Math.min(ms, 2000), 'check the connection', (ch) =>
    ch.checkExchange('amq.direct'),
  ).then(
    () => true,
    () => false,
  );
}
