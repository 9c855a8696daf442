import { describe, expect, it } from 'vitest';
import type { QueueStats } from '../metrics/types';
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

/** Lets the reads started by a call begin (they start in a microtask). */
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('sharedQueueStats on a slow broker', () => {
  it('shares a read still out, however long it takes, and counts the ttl from its answer', async () => {
    let t = 0;
    const answers: ((s: QueueStats) => void)[] = [];
    const stats = sharedQueueStats(
      () => new Promise<QueueStats>((r) => answers.push(r)),
      500,
      () => t,
    );
    const first = stats('a');
    t += 2000; // polls go on while the broker has not answered
    const second = stats('a');
    await flush();
    expect(answers).toHaveLength(1);
    answers[0]!({ messageCount: 7 });
    expect(await first).toEqual({ messageCount: 7 });
    expect(await second).toEqual({ messageCount: 7 });
    t += 499;
    await stats('a');
    expect(answers).toHaveLength(1);
    t += 1;
    void stats('a');
    await flush();
    expect(answers).toHaveLength(2);
  });
});
