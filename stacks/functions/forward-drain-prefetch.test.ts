import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { plannedLinks } from './forward-drain';
import { drainPrefetch } from './shared/drain-prefetch';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const link = (name: string, queue: string) => ({
  name,
  queue,
  from: 'eu',
  to: {
    kind: 'sqs',
    queueUrl: `http://127.0.0.1:1/000000000000/${name}`,
    fifo: false,
    awsRegion: 'us-east-1',
  },
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("the drain Lambda's links", () => {
  it("take the prefetch this function's memory allows, shared by all its links", async () => {
    vi.stubEnv(
      'WARREN_CONFIG',
      resolve(import.meta.dirname, '../../test/forwarder/fx-classic-queue.config.ts'),
    );
    vi.stubEnv('WARREN_REGION', 'eu');
    vi.stubEnv(
      'WARREN_REGIONS',
      JSON.stringify([{ id: 'eu', location: { lat: 0, lon: 0 }, brokers: [URL] }]),
    );
    vi.stubEnv('WARREN_FORWARD_LINKS', JSON.stringify([link('a', 'qa'), link('b', 'qb'), link('c', 'qc')]));
    vi.stubEnv('AWS_LAMBDA_FUNCTION_MEMORY_SIZE', '256');
    const links = await plannedLinks();
    // 256 KiB jobs (the default body limit), three links, 256 MB: 168 each, not the forwarder's 1,000.
    expect(links.map((l) => l.prefetch)).toEqual([168, 168, 168]);
    expect(drainPrefetch(256, 3, 256 * 1024)).toBe(168);
  });
});
