import type { ChannelModel } from 'amqplib';
import { connectFirst } from './connect';

/**
 * The type of an existing queue, told without the management API: a declare that sets only
 * `x-queue-type: quorum` (on a throwaway channel, after a passive check that the queue exists, so
 * that it creates nothing) is taken as is by a quorum queue and refused with a 406 naming
 * `x-queue-type` by a classic one; the queue is left as it was. Undefined when the queue is
 * missing, or when another of its arguments (x-max-priority, x-max-length, durability...) makes the
 * declare fail first: a 406 names the first argument that differs, not the type.
 */
export async function probeQueueType(
  conn: ChannelModel,
  queue: string,
): Promise<'quorum' | 'classic' | undefined> {
  const check = await conn.createChannel();
  check.on('error', () => {});
  try {
    await check.checkQueue(queue);
    await check.close();
  } catch {
    return undefined;
  }
  const probe = await conn.createChannel();
  probe.on('error', () => {});
  try {
    await probe.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await probe.close();
    return 'quorum';
  } catch (err) {
    const m = String((err as Error).message);
    // RabbitMQ 3.10: "... 'x-queue-type' ... received 'quorum' but current is 'classic'", or "...
    // current is none" for a queue declared without the argument (classic, the default).
    return /inequivalent arg 'x-queue-type'.*current is (?:'classic'|none)/.test(m) ? 'classic' : undefined;
  }
}

/** probeQueueType on the first node of `urls` that answers; undefined when none does. */
export async function probeSourceQueueType(
  urls: string[],
  queue: string,
): Promise<'quorum' | 'classic' | undefined> {
  let conn: ChannelModel;
  try {
    ({ conn } = await connectFirst(urls, 'source'));
  } catch {
    return undefined;
  }
  try {
    return await probeQueueType(conn, queue);
  } finally {
    await conn.close().catch(() => {});
  }
}
