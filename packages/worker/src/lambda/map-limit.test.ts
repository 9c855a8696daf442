import { describe, expect, it } from 'vitest';
import { mapLimit } from './map-limit';

describe('mapLimit', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let now = 0;
    let max = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (x, i) => {
      max = Math.max(max, ++now);
      await new Promise((r) => setTimeout(r, x));
      now--;
      return x * 10 + i;
    });
    expect(out).toEqual([50, 11, 42, 23, 34, 5]);
    expect(max).toBe(2);
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
  });
});
