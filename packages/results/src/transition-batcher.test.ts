import { describe, expect, it } from 'vitest';
import { TransitionBatcher } from './transition-batcher';

describe('TransitionBatcher', () => {
  it('coalesces the calls of one turn into one batch, in order, and hands each its reply', async () => {
    const calls: { keys: string[]; args: string[] }[] = [];
    const b = new TransitionBatcher(async (keys, args) => {
      calls.push({ keys, args });
      return keys.map((k) => `reply-${k}`);
    });
    const out = await Promise.all(['a', 'b', 'a'].map((k, i) => b.run(k, [`x${i}`, `y${i}`])));
    expect(out).toEqual(['reply-a', 'reply-b', 'reply-a']);
    expect(calls).toEqual([{ keys: ['a', 'b', 'a'], args: ['x0', 'y0', 'x1', 'y1', 'x2', 'y2'] }]);
    await b.run('c', []);
    expect(calls).toHaveLength(2);
  });

  it('caps a batch at 128 keys', async () => {
    const sizes: number[] = [];
    const b = new TransitionBatcher(async (keys) => {
      sizes.push(keys.length);
      return keys;
    });
    await Promise.all(Array.from({ length: 300 }, (_, i) => b.run(`k${i}`, [])));
    expect(sizes).toEqual([128, 128, 44]);
  });

  it('caps a batch at about a million characters of arguments; a larger item goes alone', async () => {
    const sizes: number[] = [];
    const b = new TransitionBatcher(async (keys) => {
      sizes.push(keys.length);
      return keys;
    });
    const big = 'x'.repeat(300_000);
    await Promise.all([
      ...Array.from({ length: 7 }, (_, i) => b.run(`k${i}`, [big])),
      b.run('huge', ['y'.repeat(2_000_000)]),
      b.run('small', ['z']),
    ]);
    expect(sizes).toEqual([3, 3, 1, 1, 1]);
  });

  it('rejects every transition of a failed call, and of a reply of the wrong length', async () => {
    const boom = new TransitionBatcher(() => Promise.reject(new Error('READONLY')));
    const r = await Promise.allSettled([boom.run('a', []), boom.run('b', [])]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    const short = new TransitionBatcher(async () => ['only-one']);
    await expect(Promise.all([short.run('a', []), short.run('b', [])])).rejects.toThrow(/unexpected reply/);
  });
});
