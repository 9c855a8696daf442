import { PayloadTooLargeError } from '@warren/protocol';
import { describe, expect, it } from 'vitest';
import { limitJobSize } from './limit-job-size';

describe('limitJobSize', () => {
  const seen: unknown[] = [];
  const inner = {
    enqueue: async (req: { task: string; input?: unknown }) => {
      seen.push(req.input);
      return { replayed: false, response: {} as never };
    },
  };
  it('passes an item whose serialised request fits, counting UTF-8 bytes, refuses one over', async () => {
    const limited = limitJobSize(inner, 42);
    // {"task":"t","input":""} is 23 bytes + the input; 'é' is 2 bytes in UTF-8.
    await limited.enqueue({ task: 't', input: 'é'.repeat(9) });
    expect(() => limited.enqueue({ task: 't', input: 'é'.repeat(10) })).toThrow(PayloadTooLargeError);
    expect(seen).toEqual(['é'.repeat(9)]);
  });

  it('counts bytes, not UTF-16 units times 3: ASCII up to the limit passes, a byte over is named', async () => {
    seen.length = 0;
    const limited = limitJobSize(inner, 42);
    await limited.enqueue({ task: 't', input: 'a'.repeat(19) });
    expect(() => limited.enqueue({ task: 't', input: 'a'.repeat(20) })).toThrow(
      expect.objectContaining({
        errors: [{ path: '', message: 'the job is 43 bytes, over the 42-byte limit of one job' }],
      }),
    );
    expect(seen).toEqual(['a'.repeat(19)]);
  });
});
