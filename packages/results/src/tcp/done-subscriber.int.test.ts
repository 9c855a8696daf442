import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DoneSubscriber } from './done-subscriber';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(url);
const subscriber = new DoneSubscriber(redis);
const channel = (name: string) => `warren-test-done-${process.pid}-${Date.now().toString(36)}-${name}`;

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
});
