import { randomInt } from 'node:crypto';
import { createAmqpBroker, DEFAULT_DELAY_TIERS_MS, tierName } from '@warren/amqp';
import { brokerContract } from '@warren/core/testing';
import { takeOwnDelayed } from '../support/parked-queue';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `ct-${FILE_ID}-${Math.random().toString(36).slice(2, 6)}`;

/** The core Publisher/Consumer contract against the real broker on :5672. */
brokerContract(
  'amqp',
  async () => {
    const broker = createAmqpBroker({ urls: [URL], healthIntervalMs: 0 });
    await broker.connect();
    let n = 0;
    const queues: string[] = [];
    return {
      publisher: broker.publisher,
      consumer: broker.consumer,
      freshQueue: async (spec) => {
        const q = `${RUN}-${n++}`;
        // Priorities need a classic queue on RabbitMQ 3.10 (queue-arguments.ts).
        await broker.ensureQueue(q, spec && { type: 'classic', ...spec });
        queues.push(q);
        return q;
      },
      publishRaw: (queue, body) => broker.publishRaw(queue, body),
      deadLetterReasons: async (queue) => (await broker.peekDeadLetters(queue)).map((d) => d.reason),
      close: async () => {
        await deleteQueues(queues);
        await broker.close();
      },
    };
  },
  { settleMs: 500 },
);

async function deleteQueues(queues: string[]) {
  const amqp = (await import('amqplib')).default;
  const c = await amqp.connect(URL);
  const ch = await c.createChannel();
  for (const q of queues) {
    await ch.deleteQueue(q);
    await ch.deleteQueue(`${q}.dlq`);
    // A queue with a length limit has delay tiers of its own (queueTierName), declared by its
    // first delayed job: removed with it, not left on the shared broker run after run.
    for (const ms of DEFAULT_DELAY_TIERS_MS) {
      await ch.deleteQueue(`${tierName(ms)}.${q}`);
      await ch.deleteExchange(`${tierName(ms)}.${q}`);
    }
  }
  // A long delay's job still in a shared tier: taken off, or it is parked run after run.
  await takeOwnDelayed(c, (queue) => queues.includes(queue));
  await c.close();
}
