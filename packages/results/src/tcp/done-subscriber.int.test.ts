import { randomInt } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DoneSubscriber, type Wake } from './done-subscriber';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url);
const subscriber = new DoneSubscriber(redis);
const channel = (name: string) => `warren-test-done-${FILE_ID}-${Date.now().toString(36)}-${name}`;

afterAll(async () => {
  await subscriber.close();
  await redis.quit();
});

describe('DoneSubscriber', () => {
  it('wakes a waiter on a message', async () => {
    const ch = channel('wake');
    const wake = await subscriber.watch(ch);
    const started = Date.now();
    const woken = wake.wait(5_000);
    await redis.publish(ch, 'succeeded');
    await woken;
    expect(Date.now() - started).toBeLessThan(1_000);
    wake.stop();
  });

  // A store's waitFor reads the record, then waits: a message that lands between the two (the
  // job finished right after the read) must end the next wait at once, not after its timeout.
  it('keeps a message that arrives while nobody waits for the next wait', async () => {
    const ch = channel('between');
    const wake = await subscriber.watch(ch);
    await redis.publish(ch, 'succeeded');
    await new Promise((r) => setTimeout(r, 100)); // delivered, with no wait pending
    const started = Date.now();
    await wake.wait(5_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    // Used up: the wait after that one runs to its timeout.
    const again = Date.now();
    await wake.wait(200);
    expect(Date.now() - again).toBeGreaterThanOrEqual(150);
    wake.stop();
  });

  // ioredis (5.8.2 on, redis/ioredis#2037) writes a SUBSCRIBE made between the socket's connect
  // and its 'ready' at once, and its ready check's INFO after it: Redis refuses INFO in subscribe
  // mode, the connection fails its ready check, and the waits in flight reject ('result store
  // subscribe failed: ERR Can't execute 'info''; once in a CI run, two waitFor calls at once).
  it('takes a second channel while its connection is still connecting', async () => {
    const base = new Redis(url);
    const dup = base.duplicate.bind(base);
    const errors: string[] = [];
    const ch2 = channel('second');
    let second: Promise<Wake> | undefined;
    const sub: DoneSubscriber = new DoneSubscriber(
      Object.assign(base, {
        duplicate: (o?: RedisOptions) =>
          dup(o).once('connect', () => {
            second = sub.watch(ch2);
          }),
      }),
      (err) => errors.push(err.message),
    );
    try {
      const first = await sub.watch(channel('first'));
      const w2 = await second!;
      const woken = w2.wait(5_000);
      await redis.publish(ch2, 'succeeded');
      const started = Date.now();
      await woken;
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(errors).toEqual([]);
      first.stop();
      w2.stop();
    } finally {
      await sub.close();
      await base.quit();
    }
  });
});
