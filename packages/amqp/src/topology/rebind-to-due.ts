import type { Channel, ChannelModel } from 'amqplib';
import { bounded } from '../connection/no-answer';
import { DUE_EXCHANGE } from './delay-tiers';

/**
 * Binds each queue to DUE_EXCHANGE by its own name again (the exchange was deleted, its bindings
 * with it), on one channel: a queue deleted meanwhile closes it (404) and the next gets a new one;
 * a connection that stops answering ends the round (the next check or reconnect does it again).
 */
export async function rebindToDue(model: ChannelModel, queues: string[], timeoutMs: number): Promise<void> {
  let ch: Channel | undefined;
  for (const queue of queues) {
    try {
      if (!ch) {
        ch = await bounded(model.createChannel(), timeoutMs, 'open a channel');
        ch.on('error', () => {}); // the failing bind rejects with the same error
      }
      await bounded(ch.bindQueue(queue, DUE_EXCHANGE, queue), timeoutMs, `bind ${queue}`);
    } catch {
      if (!ch) return; // no channel at all: the connection is going away
      ch = undefined;
    }
  }
  await ch?.close().catch(() => {});
}
