import { expect, it } from 'vitest';
import { uuidv7 } from '../ids';
import type { ResultStore } from '../ports/result-store';
import { sleep } from './fixtures';
import { creation } from './record-creation';

/** Idempotency keys (part of `resultStoreContract`): claimed once, freed by their owner, ended with their job. */
export function resultStoreIdempotencyTests(store: () => ResultStore) {
  it('claims an idempotency key once, and frees it only for its owner', async () => {
    const key = `key-${uuidv7()}`;
    const a = uuidv7();
    const b = uuidv7();
    expect(await store().claimIdempotencyKey(key, a, 60)).toBe(a);
    expect(await store().claimIdempotencyKey(key, b, 60)).toBe(a);
    await store().releaseIdempotencyKey(key, b);
    expect(await store().claimIdempotencyKey(key, b, 60)).toBe(a);
    await store().releaseIdempotencyKey(key, a);
    expect(await store().claimIdempotencyKey(key, b, 60)).toBe(b);
  });

  it('makes concurrent claims of one key agree on a single owner', async () => {
    const key = `key-${uuidv7()}`;
    const ids = Array.from({ length: 20 }, () => uuidv7());
    const owners = await Promise.all(ids.map((id) => store().claimIdempotencyKey(key, id, 60)));
    expect(new Set(owners).size).toBe(1);
  });

  // A key outliving its job's finished record would name a job that is gone, which a retry
  // cannot tell from one accepted but not yet recorded (still in its queue): so the key ends
  // with the finished record, and a key without a record always means the job may still come.
  it("ends a job's idempotency key with its finished record, and only then", async () => {
    const [done, marked, waiting, cancelled, ids] = [uuidv7(), uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    const [retried, unconfirmed] = [uuidv7(), uuidv7()];
    const k = (n: string) => `key-${n}-${ids}`;
    const keyed = (key: string, ttlS: number) => creation({ idempotencyKey: key, ttlS });
    // Finished, with a short result TTL: the key goes with the record...
    await store().claimIdempotencyKey(k('done'), done, 600);
    await store().create(done, 'queued', keyed(k('done'), 600));
    await store().transition(done, 'running', { owner: 'w', ttlS: 600 });
    await store().transition(done, 'succeeded', { owner: 'w', result: 1, ttlS: 1 });
    // ...also when it marks a publish of unknown outcome (the producer's `unconfirmed:<id>:…`)...
    await store().claimIdempotencyKey(k('marked'), `unconfirmed:${marked}:fp`, 600);
    await store().transition(marked, 'running', { ...keyed(k('marked'), 600), owner: 'w' });
    await store().transition(marked, 'failed', { owner: 'w', ttlS: 1 });
    // ...but a key naming another job stays, as does the key of a job not finished...
    await store().claimIdempotencyKey(k('other'), ids, 600);
    await store().transition(uuidv7(), 'expired', keyed(k('other'), 1));
    await store().claimIdempotencyKey(k('waiting'), waiting, 600);
    await store().create(waiting, 'queued', keyed(k('waiting'), 1));
    // ...and a longer-lived finished record does not lengthen its key.
    await store().claimIdempotencyKey(k('cancelled'), cancelled, 1);
    await store().create(cancelled, 'queued', keyed(k('cancelled'), 1));
    await store().transition(cancelled, 'cancelled', { ttlS: 600 });
    // A job still on its way keeps its key as long as its record: a run or a retry that keeps the
    // record longer than the claim did (a job retrying for over a day) lengthens the key with it,
    // or a request under the key enqueued a second job beside the one still to run.
    await store().claimIdempotencyKey(k('retried'), retried, 1);
    await store().create(retried, 'queued', keyed(k('retried'), 1));
    await store().transition(retried, 'running', { owner: 'w', attempts: 1, ttlS: 600 });
    await store().transition(retried, 'retrying', { owner: 'w', ttlS: 600 });
    await store().claimIdempotencyKey(k('unconfirmed'), `unconfirmed:${unconfirmed}:fp`, 1);
    await store().transition(unconfirmed, 'running', { ...keyed(k('unconfirmed'), 600), owner: 'w' });
    await sleep(1300);
    const fresh = uuidv7();
    expect(await store().claimIdempotencyKey(k('done'), fresh, 60)).toBe(fresh);
    expect(await store().claimIdempotencyKey(k('marked'), fresh, 60)).toBe(fresh);
    expect(await store().claimIdempotencyKey(k('other'), fresh, 60)).toBe(ids);
    expect(await store().claimIdempotencyKey(k('waiting'), fresh, 60)).toBe(waiting);
    expect(await store().claimIdempotencyKey(k('cancelled'), fresh, 60)).toBe(fresh);
    expect(await store().claimIdempotencyKey(k('retried'), fresh, 60)).toBe(retried);
    expect(await store().claimIdempotencyKey(k('unconfirmed'), fresh, 60)).toBe(
      `unconfirmed:${unconfirmed}:fp`,
    );
  });
}
