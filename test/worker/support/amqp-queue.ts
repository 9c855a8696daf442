import { type AmqpBroker, createAmqpBroker } from '@warren/amqp';
import amqplib, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll } from 'vitest';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';

/**
 * Queue `q` on the shared RabbitMQ for one test file: the amqp adapter's broker (connected, the
 * queue declared) and a raw amqplib channel beside it, set up in beforeAll; the queue, its DLQ and
 * both connections gone in afterAll. Read `broker` and `ch` inside hooks and tests.
 */
export function amqpQueue(q: string): { readonly broker: AmqpBroker; readonly ch: Channel } {
  let broker: AmqpBroker | undefined;
  let conn: ChannelModel | undefined;
  let ch: Channel | undefined;
  beforeAll(async () => {
    broker = createAmqpBroker({ urls: [AMQP], queues: { [q]: {} } });
    await broker.connect();
    await broker.ensureQueue(q);
    conn = await amqplib.connect(AMQP);
    ch = await conn.createChannel();
  });
  afterAll(async () => {
    await ch?.deleteQueue(q).catch(() => {});
    await ch?.deleteQueue(`${q}.dlq`).catch(() => {});
    await conn?.close().catch(() => {});
    await broker?.close();
  });
  return {
    get broker() {
      if (!broker) throw new Error('amqpQueue: the broker is set up in beforeAll');
      return broker;
    },
    get ch() {
      if (!ch) throw new Error('amqpQueue: the channel is set up in beforeAll');
      return ch;
    },
  };
}
