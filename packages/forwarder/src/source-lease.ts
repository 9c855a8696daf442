import type { Channel } from 'amqplib';

/** The lease queue of a link, on its source broker. */
export const leaseName = (link: string): string => `warren.forwarder.lease.${link}`;

/**
 * The lease: a connection-exclusive queue named after the link. A second instance gets
 * RESOURCE_LOCKED and waits; the lease dies with our connection (crash, kill -9, network loss).
 * The exclusive consumer alone is not enough: RabbitMQ 3.10 quorum queues ignore it.
 */
export async function takeLease(ch: Channel, link: string): Promise<void> {
  await ch.assertQueue(leaseName(link), { exclusive: true, durable: false });
}
