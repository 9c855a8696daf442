import { describe, expect, it } from 'vitest';
import { eventually, makeJob, sleep } from '../testing/fixtures';
import { MemoryBroker } from './memory-broker';

describe('MemoryBroker', () => {
  it('a retry the full queue refuses leaves the message to come back, and frees its prefetch slot', async () => {
    const broker = new MemoryBroker({ maxLength: { q: 1 } });
    const first = makeJob({ queue: 'q' });
    const other = makeJob({ queue: 'q' });
    const seen: string[] = [];
    let retryError: unknown;
    await broker.consume(
      'q',
      async (d) => {
        seen.push(`${d.job.id === first.id ? 'first' : 'other'}#${d.attempt}`);
        if (seen.length === 1) {
          await broker.publish('q', other); // the queue is full now
          await d.retry(0).catch((err) => {
            retryError = err;
            throw err; // the handler rejects unsettled, as the executor does
          });
          return;
        }
        await d.ack();
      },
      { prefetch: 1 },
    );
    await broker.publish('q', first);
    await eventually(() => seen.length === 3);
    await sleep(20);
    expect(String(retryError)).toMatch(/full/);
    expect(seen).toEqual(['first#1', 'other#1', 'first#1']);
    expect(broker.depth('q')).toBe(0);
    await broker.close();
  });
});
