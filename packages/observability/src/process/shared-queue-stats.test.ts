import { describe, expect, it } from 'vitest';
import { sharedQueueStats } from './shared-queue-stats';

describe('sharedQueueStats', () => {
  it('reads each queue once per ttl, failures included, and again after it', async () => {
    let t = 1_000;
    const reads: string[] = [];
    const stats = sharedQueueStats(
      (q) => {
        reads.push(q);
        if (q === 'gone') throw new Error('NOT_FOUND');
        return { messageCount: reads.length };
      },
      500,
      () => t,
    );
    expect(await stats('a')).toEqual({ messageCount: 1 });
    expect(await stats('a')).toEqual({ messageCount: 1 });
    expect(await stats('gone')).toBeUndefined();
    expect(await stats('gone')).toBeUndefined();
    t += 499;
    await stats('a');
    expect(reads).toEqual(['a', 'gone']);
    t += 1;
    expect(await stats('a')).toEqual({ messageCount: 3 });
  });
});
