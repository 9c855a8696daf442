import { Redis } from 'ioredis';
import { connectAmqp } from '../lib/amqp-connect';
import { REDIS_URL } from './common';
import type { StartWorker } from './worker-host';

/**
 * The physical limit: a bare amqplib consumer (prefetch 1000) that writes one Redis hash per job
 * with ioredis (auto-pipelined by the event loop) and acks after the write. No validation, no
 * state machine, no retries.
 */
export const startWorker: StartWorker = async (round, onResult) => {
  const conn = await connectAmqp();
  const ch = await conn.createChannel();
  const redis = new Redis(REDIS_URL);
  await ch.assertQueue(round.queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await ch.prefetch(1000);
  await ch.consume(round.queue, (msg) => {
    if (!msg) return;
    const job = JSON.parse(msg.content.toString()) as { id: string; a: number; b: number; t0?: number };
    redis
      .hset(`${round.prefix}:${job.id}`, 'state', 'succeeded', 'result', String(job.a + job.b))
      .then(() => {
        ch.ack(msg);
        onResult(job.t0);
      })
      .catch(() => ch.nack(msg));
  });
  return {
    async stop() {
      await conn.close().catch(() => {});
      redis.disconnect();
    },
  };
};
