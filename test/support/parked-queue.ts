import { PARKED_DELAYS_QUEUE } from '@warren/amqp';
import type { ChannelModel } from 'amqplib';
import { withMachineLock } from './rabbit-boot';

/**
 * Runs `fn` alone among the test files that read the shared parking queue: a listing or a
 * release holds every parked message unacked while it reads, so another file's run at the same
 * moment saw fewer of its own (counts of 2 for 3 parked).
 */
export const withParkedQueue = <T>(fn: () => Promise<T>): Promise<T> =>
  withMachineLock('warren-parked-queue', fn);

/**
 * Takes a test's own messages off the shared parking queue (those `mine` says are its own) and
 * leaves every other one there. Others' messages are held unacked until the channel's close
 * hands them back: nacked with requeue, one went straight back to the head and the next get read
 * it again, so the sweep either spun on it for good or stopped there and left its own behind.
 */
export async function takeParked(
  model: ChannelModel,
  mine: (routingKey: string) => boolean,
): Promise<number> {
  const ch = await model.createChannel();
  let taken = 0;
  try {
    for (let m = await ch.get(PARKED_DELAYS_QUEUE); m; m = await ch.get(PARKED_DELAYS_QUEUE)) {
      if (!mine(m.fields.routingKey)) continue;
      ch.ack(m);
      taken++;
    }
  } finally {
    await ch.close().catch(() => {});
  }
  return taken;
}
