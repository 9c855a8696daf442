import { type Consumer, MemoryBroker } from '@warren/core';

/**
 * What a stopping process says of the jobs its in-memory broker still holds (they end with it;
 * RabbitMQ would keep them), or undefined when there are none or the broker is not in memory.
 * `warren dev`, `warren ingest --embedded` and `warren worker --embedded` print it on stop.
 */
export function embeddedDrops(consumer: Consumer): string | undefined {
  if (!(consumer instanceof MemoryBroker)) return undefined;
  const { queued, delayed } = consumer.pending();
  if (queued + delayed === 0) return undefined;
  return `in-memory broker: ${queued} queued and ${delayed} delayed job(s) dropped (it keeps nothing across restarts; with RABBITMQ_URL and REDIS_URL they wait for the next start)`;
}
