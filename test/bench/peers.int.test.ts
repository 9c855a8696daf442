import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runEndHooks } from '../../bench/lib/run-end';
import type { BenchContext } from '../../bench/lib/types';
import { deleteKeys, inFlight, newRound, percentile } from '../../bench/peers/common';
import { nodeSide } from '../../bench/peers/pipeline';
import { rawProducer } from '../../bench/peers/raw';
import { warrenSide } from '../../bench/peers/warren';

const ctx: BenchContext = {
  quick: true,
  rounds: 1,
  tmpDir: '/tmp',
  log: () => {},
  progress: () => ({ tick() {}, stop() {} }),
};

afterAll(() => runEndHooks());

describe('bench peers (real RabbitMQ + Redis, quick sizes)', () => {
  it('raw pipeline: end to end and latency through a worker-host process', async () => {
    const side = nodeSide('raw', () => rawProducer());
    const tp = await side.throughput(ctx);
    expect(tp.jobsPerS).toBeGreaterThan(0);
    const lat = await side.latency(ctx);
    expect(lat.p50).toBeGreaterThan(0);
    expect(lat.p99).toBeGreaterThanOrEqual(lat.p50!);
  }, 120_000);

  it('warren side: SDK direct → amqp adapter → worker → Redis store, all 2,000 results stored', async () => {
    const side = warrenSide();
    await side.setup?.(ctx);
    const tp = await side.throughput(ctx);
    expect(tp.jobsPerS).toBeGreaterThan(0);
  }, 180_000);

  it('helpers: windowed sends, percentiles, key cleanup by prefix', async () => {
    let maxOpen = 0;
    let open = 0;
    await inFlight(50, 8, async () => {
      maxOpen = Math.max(maxOpen, ++open);
      await new Promise((r) => setTimeout(r, 1));
      open--;
    });
    expect(maxOpen).toBe(8);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    const redis = new Redis('redis://127.0.0.1:6379');
    const { prefix } = newRound('test');
    await Promise.all(Array.from({ length: 30 }, (_, i) => redis.set(`${prefix}:${i}`, '1')));
    expect(await deleteKeys(redis, `${prefix}:*`)).toBe(30);
    expect(await redis.exists(`${prefix}:0`)).toBe(0);
    redis.disconnect();
  });
});
