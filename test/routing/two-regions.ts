import amqp from 'amqplib';

/**
 * The two regions of the routing tests: a (Dublin) and b (Washington). Both are usually the shared
 * RabbitMQ, one of them behind a proxy that delays, swallows or cuts.
 */
export const TWO_REGIONS = [
  { id: 'a', location: { lat: 53.3, lon: -6.3 } },
  { id: 'b', location: { lat: 38.9, lon: -77.0 } },
];

export const SHARED_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** Deletes a test's work queue and its DLQ on the shared RabbitMQ. */
export async function deleteQueueAndDlq(queue: string): Promise<void> {
  const conn = await amqp.connect(SHARED_AMQP_URL);
  const ch = await conn.createChannel();
  for (const q of [queue, `${queue}.dlq`]) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
}
