import { PayloadTooLargeError } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { limitItemSize } from './item-size-limit';

describe('limitItemSize', () => {
  const seen: unknown[] = [];
  const inner = {
    enqueue: async (req: { task: string; input?: unknown }) => {
      seen.push(req.input);
      return { replayed: false, response: {} as never };
    },
  };
  it('passes an item whose serialised request fits, counting UTF-8 bytes, refuses one over', async () => {
    const limited = limitItemSize(inner, 42);
    // {"task":"t","input":""} is 24 bytes + the input; 'é' is 2 bytes in UTF-8.
    await limited.enqueue({ task: 't', input: 'é'.repeat(9) });
    expect(() => limited.enqueue({ task: 't', input: 'é'.repeat(10) })).toThrow(PayloadTooLargeError);
    expect(seen).toEqual(['é'.repeat(9)]);
  });
});
