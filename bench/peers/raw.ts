import { randomUUID } from 'node:crypto';
import type amqp from 'amqplib';
import { Redis } from 'ioredis';
import { connectAmqp } from '../lib/amqp-connect';
import { atRate, deleteAmqpQueue, deleteKeys, inFlight, now, REDIS_URL, type Round } from './common';
import type { Producer } from './pipeline';

/** amqplib ConfirmChannel → quorum queue, every publish confirmed (after fsync), many in flight. */
export function rawProducer(window = 1000): Producer {
  let conn: amqp.ChannelModel | undefined;
  let ch: amqp.ConfirmChannel | undefined;
  const publish = (queue: string, t0?: number) => {
    const id = randomUUID();
    const body = Buffer.from(JSON.stringify({ id, task: 'add', a: 1, b: 2, t0 }));
    return new Promise<void>((resolve, reject) =>
      ch!.sendToQueue(
        queue,
        body,
        { persistent: true, messageId: id, contentType: 'application/json' },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  };
  return {
    async open(round: Round) {
      conn = await connectAmqp();
      ch = await conn.createConfirmChannel();
      await ch.assertQueue(round.queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    },
    burst: (round, n, tick) => inFlight(n, window, () => publish(round.queue), tick),
    rate: (round, rate, ms) => atRate(rate, ms, () => publish(round.queue, now())),
    async close(round) {
      await conn?.close().catch(() => {});
      conn = undefined;
      await deleteAmqpQueue(round.queue).catch(() => {});
      const redis = new Redis(REDIS_URL);
      await deleteKeys(redis, `${round.prefix}:*`).finally(() => redis.disconnect());
    },
  };
}
