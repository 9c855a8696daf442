import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../ids';
import type { ResultStore } from '../ports/result-store';
import { sleep } from './fixtures';
import { creation } from './record-creation';
import { resultStoreIdempotencyTests } from './result-store-idempotency-contract';
import { resultStoreLeaseTests } from './result-store-lease-contract';
import { resultStoreValueTests } from './result-store-values-contract';

/** The ResultStore contract: the memory store, Redis over TCP and over Upstash REST all pass it. */
export function resultStoreContract(name: string, setup: () => Promise<ResultStore>) {
  describe(`result store contract: ${name}`, () => {
    let s: ResultStore;
    beforeAll(async () => {
      s = await setup();
    });
    afterAll(async () => {
      await s.close();
    });

    it('answers undefined for an unknown id', async () => {
      expect(await s.get(uuidv7())).toBeUndefined();
    });

    it('creates a queued record with its fields', async () => {
      const id = uuidv7();
      const out = await s.transition(
        id,
        'queued',
        creation({ idempotencyKey: 'k1', expiresAt: '2030-01-01T00:00:00.000Z' }),
      );
      expect(out.ok).toBe(true);
      const rec = await s.get(id);
      expect(rec).toMatchObject({
        id,
        task: 'demo.add',
        queue: 'default',
        state: 'queued',
        attempts: 0,
        input: { a: 2, b: 3 },
        maxAttempts: 3,
        region: 'local',
        idempotencyKey: 'k1',
        expiresAt: '2030-01-01T00:00:00.000Z',
      });
      expect(rec!.startedAt).toBeUndefined();
    });

    it('runs the lifecycle queued → running → succeeded, keeping results as JSON', async () => {
      const id = uuidv7();
      await s.transition(id, 'queued', creation());
      const run = await s.transition(id, 'running', { attempts: 1, owner: 'w1', leaseMs: 10_000 });
      expect(run).toMatchObject({ ok: true, from: 'queued' });
      const result = { sum: 5, tags: ['a', '1'], nothing: null, s: '42' };
      const done = await s.transition(id, 'succeeded', { owner: 'w1', result });
      expect(done).toMatchObject({ ok: true, from: 'running', record: { state: 'succeeded', result } });
      const rec = await s.get(id);
      expect(rec).toMatchObject({ state: 'succeeded', attempts: 1, result });
      expect(Date.parse(rec!.startedAt!)).toBeGreaterThan(0);
      expect(Date.parse(rec!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(rec!.startedAt!));
    });

    it('writes the same record when asked not to return it (returnRecord: false)', async () => {
      const id = uuidv7();
      const lean = { returnRecord: false } as const;
      expect(await s.transition(id, 'queued', { ...creation(), ...lean })).toMatchObject({ ok: true });
      const run = await s.transition(id, 'running', { attempts: 1, owner: 'w1', leaseMs: 10_000, ...lean });
      expect(run).toMatchObject({ ok: true, from: 'queued' });
      expect(await s.transition(id, 'succeeded', { owner: 'w2', result: 1, ...lean })).toMatchObject({
        ok: false,
        reason: 'not-owner',
      });
      expect(await s.transition(id, 'succeeded', { owner: 'w1', result: 7, ...lean })).toMatchObject({
        ok: true,
        from: 'running',
      });
      expect(await s.get(id)).toMatchObject({ state: 'succeeded', attempts: 1, result: 7, task: 'demo.add' });
    });

    it('create writes the record a transition from no record writes', async () => {
      const [viaCreate, viaTransition] = [uuidv7(), uuidv7()];
      const patch = creation({
        idempotencyKey: 'k\udc00🐇',
        notBefore: '2030-01-01T00:00:00.000Z',
        expiresAt: '2030-01-02T00:00:00.000Z',
        input: { s: '5', n: 5, none: null },
      });
      expect(await s.create(viaCreate, 'scheduled', patch)).toEqual({ ok: true, from: undefined });
      expect(await s.transition(viaTransition, 'scheduled', patch)).toMatchObject({ ok: true });
      const [a, b] = [await s.get(viaCreate), await s.get(viaTransition)];
      expect(a).toEqual({ ...b, id: viaCreate });
      expect(a).toMatchObject({ state: 'scheduled', attempts: 0, task: 'demo.add' });
      const run = await s.transition(viaCreate, 'running', { attempts: 1, owner: 'w1', leaseMs: 10_000 });
      expect(run).toMatchObject({ ok: true, from: 'scheduled' });
    });

    it('create refuses an existing record and leaves it as it was', async () => {
      const first = uuidv7();
      await s.transition(first, 'running', { ...creation(), attempts: 1, owner: 'w1', leaseMs: 10_000 });
      expect(await s.create(first, 'queued', creation({ task: 'other' }))).toEqual({
        ok: false,
        reason: 'illegal',
        state: 'running',
      });
      expect(await s.get(first)).toMatchObject({ state: 'running', task: 'demo.add', attempts: 1 });
      await s.transition(first, 'succeeded', { owner: 'w1', result: 1 });
      expect(await s.create(first, 'queued', creation())).toEqual({
        ok: false,
        reason: 'already-finished',
        state: 'succeeded',
      });
      const twice = uuidv7();
      const outs = await Promise.all([1, 2, 3].map(() => s.create(twice, 'queued', creation())));
      expect(outs.filter((o) => o.ok)).toHaveLength(1);
      expect(outs.filter((o) => !o.ok)).toEqual([
        { ok: false, reason: 'illegal', state: 'queued' },
        { ok: false, reason: 'illegal', state: 'queued' },
      ]);
    });

    it('keeps the string "5" and the number 5 apart, and stores a null result', async () => {
      const a = uuidv7();
      const b = uuidv7();
      for (const [id, result] of [
        [a, '5'],
        [b, null],
      ] as const) {
        await s.transition(id, 'running', creation({ owner: 'w', attempts: 1 }));
        await s.transition(id, 'succeeded', { owner: 'w', result });
      }
      expect((await s.get(a))!.result).toBe('5');
      expect((await s.get(b))!.result).toBeNull();
    });

    it('never changes a terminal state', async () => {
      const id = uuidv7();
      await s.transition(id, 'running', creation({ owner: 'w1', attempts: 1 }));
      await s.transition(id, 'failed', {
        owner: 'w1',
        error: { type: 'Boom', message: 'bad', retryable: false },
      });
      for (const to of ['running', 'succeeded', 'queued', 'cancelled'] as const) {
        const out = await s.transition(id, to, { owner: 'w2' });
        expect(out).toMatchObject({ ok: false, reason: 'already-finished', state: 'failed' });
      }
      expect(await s.get(id)).toMatchObject({
        state: 'failed',
        error: { type: 'Boom', message: 'bad', retryable: false },
      });
    });

    it('refuses illegal moves', async () => {
      const id = uuidv7();
      await s.transition(id, 'queued', creation());
      expect(await s.transition(id, 'succeeded', {})).toMatchObject({
        ok: false,
        reason: 'illegal',
        state: 'queued',
      });
      expect((await s.get(id))!.state).toBe('queued');
    });

    it('creates the record on `running` when the worker is first (upsert)', async () => {
      const id = uuidv7();
      const out = await s.transition(id, 'running', creation({ owner: 'w1', attempts: 2 }));
      expect(out).toMatchObject({ ok: true, record: { state: 'running', attempts: 2, task: 'demo.add' } });
      expect((await s.transition(id, 'queued', creation())).ok).toBe(false);
    });

    it('starts an existing record without its creation fields (ifExists), refuses `missing` without one', async () => {
      const id = uuidv7();
      const start = { owner: 'w1', attempts: 1, leaseMs: 60_000, ttlS: 60, ifExists: true };
      expect(await s.transition(id, 'running', start)).toEqual({
        ok: false,
        reason: 'missing',
        state: undefined,
      });
      expect(await s.get(id)).toBeUndefined(); // nothing created from defaults
      await s.create(id, 'queued', creation({ input: { kept: true } }));
      const out = await s.transition(id, 'running', { ...start, returnRecord: false });
      expect(out).toMatchObject({ ok: true, from: 'queued' });
      expect(await s.get(id)).toMatchObject({
        state: 'running',
        attempts: 1,
        task: 'demo.add',
        input: { kept: true },
      });
      // Refusals other than `missing` are as without the flag.
      const done = uuidv7();
      await s.create(done, 'queued', creation());
      await s.transition(done, 'cancelled', {});
      expect(await s.transition(done, 'running', start)).toMatchObject({
        ok: false,
        reason: 'already-finished',
      });
    });

    it('moves through retrying back to running and counts attempts', async () => {
      const id = uuidv7();
      await s.transition(id, 'queued', creation());
      await s.transition(id, 'running', { owner: 'a', attempts: 1 });
      const err = { type: 'Error', message: 'flaky', retryable: true };
      expect((await s.transition(id, 'retrying', { owner: 'a', error: err })).ok).toBe(true);
      expect((await s.transition(id, 'running', { owner: 'b', attempts: 2 })).ok).toBe(true);
      const rec = await s.get(id);
      expect(rec).toMatchObject({ state: 'running', attempts: 2, error: err });
    });

    resultStoreLeaseTests(() => s);

    it('lets exactly one of 50 concurrent finishers win', async () => {
      const id = uuidv7();
      await s.transition(id, 'running', creation({ owner: 'w', attempts: 1 }));
      const outs = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          s.transition(id, i % 2 ? 'succeeded' : 'failed', {
            owner: 'w',
            result: i,
            error: { type: 'E', message: String(i), retryable: false },
          }),
        ),
      );
      expect(outs.filter((o) => o.ok).length).toBe(1);
      expect(outs.filter((o) => !o.ok && o.reason === 'already-finished').length).toBe(49);
    });

    it('applies transitions issued together in order, each with its own outcome', async () => {
      const ids = Array.from({ length: 200 }, () => uuidv7());
      const outs = await Promise.all(
        ids.flatMap((id, i) => [
          s.transition(id, 'queued', creation({ returnRecord: i % 2 === 0 })),
          s.transition(id, 'running', { owner: 'w', attempts: 1, returnRecord: false }),
          s.transition(id, 'queued', creation()),
          s.transition(id, 'succeeded', { owner: 'w', result: i }),
        ]),
      );
      for (let i = 0; i < ids.length; i++) {
        const [q, r, again, done] = outs.slice(i * 4, i * 4 + 4);
        expect(q).toMatchObject({ ok: true, from: undefined });
        expect(r).toMatchObject({ ok: true, from: 'queued' });
        expect(again).toMatchObject({ ok: false, reason: 'illegal', state: 'running' });
        expect(done).toMatchObject({ ok: true, from: 'running', record: { state: 'succeeded', result: i } });
      }
    });

    it('takes any Unicode: emoji and lone surrogates in input and text fields', async () => {
      const id = uuidv7();
      const input = { s: 'é😀\ud800', t: '\\ud800 literally' };
      const out = await s.transition(id, 'queued', creation({ input, idempotencyKey: 'k\udc00' }));
      expect(out.ok).toBe(true);
      expect((await s.get(id))?.input).toEqual(input);
    });

    it('cancels a queued job, after which it never runs', async () => {
      const id = uuidv7();
      await s.transition(id, 'queued', creation());
      expect((await s.transition(id, 'cancelled', {})).ok).toBe(true);
      expect(await s.transition(id, 'running', { owner: 'w', attempts: 1 })).toMatchObject({
        ok: false,
        reason: 'already-finished',
        state: 'cancelled',
      });
    });

    resultStoreIdempotencyTests(() => s);

    resultStoreValueTests(() => s);

    it('expires records after their TTL', async () => {
      const id = uuidv7();
      await s.transition(id, 'queued', creation({ ttlS: 1 }));
      expect(await s.get(id)).toBeDefined();
      await sleep(1300);
      expect(await s.get(id)).toBeUndefined();
    });

    // One wait for all: each case sets a 1 s TTL (or a long one) and is checked after it.
    it('takes the TTL of the last applied write; a refused one leaves it; idempotency keys expire', async () => {
      const [shortened, refused, extended] = [uuidv7(), uuidv7(), uuidv7()];
      const key = `key-${uuidv7()}`;
      // A terminal write's TTL replaces a longer one (the result lives ttlS after the job ends)...
      await s.transition(shortened, 'running', creation({ owner: 'w', ttlS: 600 }));
      await s.transition(shortened, 'succeeded', { owner: 'w', result: 1, ttlS: 1 });
      // ...a refused write (create of an existing record, an illegal move) does not touch it...
      await s.create(refused, 'queued', creation({ ttlS: 1 }));
      expect((await s.create(refused, 'queued', creation({ ttlS: 600 }))).ok).toBe(false);
      expect((await s.transition(refused, 'succeeded', { result: 1, ttlS: 600 })).ok).toBe(false);
      // ...and a later write's longer TTL keeps a record that would have expired.
      await s.create(extended, 'queued', creation({ ttlS: 1 }));
      await s.transition(extended, 'cancelled', { ttlS: 600 });
      await s.claimIdempotencyKey(key, shortened, 1);
      await sleep(1300);
      expect(await s.get(shortened)).toBeUndefined();
      expect(await s.get(refused)).toBeUndefined();
      expect((await s.get(extended))?.state).toBe('cancelled');
      const other = uuidv7();
      expect(await s.claimIdempotencyKey(key, other, 60)).toBe(other);
    });
  });
}
