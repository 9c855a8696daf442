import { createHash } from 'node:crypto';
import type { Channel } from 'amqplib';

export const LEASE_PREFIX = 'warren.forwarder.lease.';
/** AMQP queue names are short strings: 255 bytes at most. */
const MAX_QUEUE_NAME_BYTES = 255;

/**
 * The lease queue of a link, on its source broker: `warren.forwarder.lease.<link>`, or, for a
 * link name that would make it longer than a queue name can be, the name's start and a hash of
 * all of it (same link, same lease, on every instance; names that fit are kept as they were, so
 * instances of earlier versions still share the lease). Link names are made of queue names (up to
 * 255 bytes each): two 120-character queues made a lease name RabbitMQ cannot take, and the link
 * failed every start ('Field 'queue' is the wrong type; must be a string (up to 255 chars)').
 */
export function leaseName(link: string): string {
  const full = `${LEASE_PREFIX}${link}`;
  if (Buffer.byteLength(full) <= MAX_QUEUE_NAME_BYTES) return full;
  const hash = createHash('sha256').update(link).digest('hex').slice(0, 32);
  const room = MAX_QUEUE_NAME_BYTES - Buffer.byteLength(LEASE_PREFIX) - hash.length - 1;
  let head = '';
  for (const ch of link) {
    if (Buffer.byteLength(head + ch) > room) break;
    head += ch;
  }
  return `${LEASE_PREFIX}${head}~${hash}`;
}

/**
 * The lease: a connection-exclusive queue named after the link. A second instance gets
 * RESOURCE_LOCKED and waits; the lease dies with our connection (crash, kill -9, network loss).
 * The exclusive consumer alone is not enough: RabbitMQ 3.10 quorum queues ignore it.
 */
export async function takeLease(ch: Channel, link: string): Promise<void> {
  await ch.assertQueue(leaseName(link), { exclusive: true, durable: false });
}
