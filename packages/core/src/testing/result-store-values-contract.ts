import { expect, it } from 'vitest';
import { uuidv7 } from '../ids';
import type { ResultStore } from '../ports/result-store';

/**
 * How stores treat values that are not plain JSON (part of `resultStoreContract`): records hold
 * JSON, so a Date reads back as its ISO text and NaN as null, and a value JSON cannot encode
 * (BigInt, a cycle) is refused by rejecting, the record left as it was.
 */
export function resultStoreValueTests(store: () => ResultStore) {
  const running = async () => {
    const id = uuidv7();
    await store().transition(id, 'running', { task: 'demo.add', queue: 'default', owner: 'w', attempts: 1 });
    return id;
  };

  it('stores values as JSON: a Date as its ISO text, NaN as null', async () => {
    const id = await running();
    const at = new Date('2030-01-02T03:04:05.678Z');
    const out = await store().transition(id, 'succeeded', { owner: 'w', result: { at, n: Number.NaN } });
    expect(out.ok).toBe(true);
    expect((await store().get(id))?.result).toEqual({ at: '2030-01-02T03:04:05.678Z', n: null });
  });

  it('rejects a result JSON cannot encode (BigInt, a cycle) and leaves the record as it was', async () => {
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    for (const result of [10n, { big: 10n }, cyclic]) {
      const id = await running();
      await expect(store().transition(id, 'succeeded', { owner: 'w', result })).rejects.toThrow();
      expect(await store().get(id)).toMatchObject({ state: 'running', attempts: 1 });
      expect((await store().get(id))?.result).toBeUndefined();
    }
  });
}
