import { DEFAULT_DELAY_TIERS_MS, PARKED_DELAYS_QUEUE, tierName } from '@warren/amqp';
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
 * Takes a test's own messages (by routing key: the queue they are for) off a queue the tests
 * share, and leaves every other one there. Others' messages are held unacked until the channel's
 * close hands them back: nacked with requeue, one went straight back to the head and the next
 * get read it again, so a sweep either spun on it for good or stopped there and left its own.
 */
export async function takeOwn(
  model: ChannelModel,
  queue: string,
  mine: (routingKey: string) => boolean,
): Promise<number> {
  const ch = await model.createChannel();
  ch.on('error', () => {}); // a tier not declared on this broker: nothing to take
  let taken = 0;
  try {
    for (let m = await ch.get(queue); m; m = await ch.get(queue)) {
      if (!mine(m.fields.routingKey)) continue;
      ch.ack(m);
      taken++;
    }
  } catch {
    return taken;
  } finally {
    await ch.close().catch(() => {});
  }
  return taken;
}

/** A test's own messages off the shared parking queue (see takeOwn). */
export const takeParked = (model: ChannelModel, mine: (routingKey: string) => boolean) =>
  takeOwn(model, PARKED_DELAYS_QUEUE, mine);

/**
 * A test's delayed jobs still waiting in the shared delay tiers, taken off them. Left there, a
 * job delayed an hour or more came out of its tier after the test had deleted its queue and was
 * parked, run after run (eight of them seen on one machine's 1-hour tier).
 */
export async function takeOwnDelayed(model: ChannelModel, mine: (routingKey: string) => boolean) {
  let taken = 0;
  for (const ms of DEFAULT_DELAY_TIERS_MS) taken += await takeOwn(model, tierName(ms), mine);
  return taken + (await withParkedQueue(() => takeParked(model, mine)));
}
