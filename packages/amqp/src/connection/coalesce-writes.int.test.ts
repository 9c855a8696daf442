import { randomInt } from 'node:crypto';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { coalesceWrites } from './coalesce-writes';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const queue = `coalesce-writes-${FILE_ID}`;

type SocketWrite = (this: unknown, ...args: unknown[]) => unknown;

/** Counts the send calls the connection's socket makes (write or writev, each one syscall). */
function countWrites(model: amqp.ChannelModel): () => number {
  const sock = (model as unknown as { connection: { stream: { _write: SocketWrite; _writev: SocketWrite } } })
    .connection.stream;
  let n = 0;
  const w = sock._write;
  const wv = sock._writev;
  sock._write = function (...a: unknown[]) {
    n++;
    return w.apply(this, a);
  };
  sock._writev = function (...a: unknown[]) {
    n++;
    return wv.apply(this, a);
  };
  return () => n;
}

async function publishBurst(coalesce: boolean, n: number): Promise<{ writes: number; order: string[] }> {
  const model = await amqp.connect(URL);
  try {
    if (coalesce) expect(coalesceWrites(model)).toBe(true);
    const ch = await model.createConfirmChannel();
    await ch.assertQueue(queue, { durable: false });
    await ch.purgeQueue(queue);
    const writes = countWrites(model);
    for (let i = 0; i < n; i++) ch.sendToQueue(queue, Buffer.from(String(i)), { messageId: String(i) });
    await ch.waitForConfirms();
    const counted = writes();
    const order: string[] = [];
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (!m) break;
      order.push(m.content.toString());
    }
    return { writes: counted, order };
  } finally {
    await model.close();
  }
}

describe('coalesceWrites (amqplib internals)', () => {
  afterAll(async () => {
    const model = await amqp.connect(URL);
    await (await model.createChannel()).deleteQueue(queue);
    await model.close();
  });

  it('recognises the installed amqplib, sends one burst in far fewer writes, in the same order', async () => {
    const n = 500;
    const plain = await publishBurst(false, n);
    const corked = await publishBurst(true, n);
    const expected = Array.from({ length: n }, (_, i) => String(i));
    expect(plain.order).toEqual(expected);
    expect(corked.order).toEqual(expected);
    // Plain amqplib: one write per frame; corked: one writev per high-water mark's worth.
    expect(plain.writes).toBeGreaterThanOrEqual(n);
    expect(corked.writes).toBeLessThan(n / 10);
  });

  it('leaves an unexpected shape alone', () => {
    expect(coalesceWrites({} as amqp.ChannelModel)).toBe(false);
  });
});
