import { expect, it } from 'vitest';
import { uuidv7 } from '../ids';
import type { ResultStore } from '../ports/result-store';
import { sleep } from './fixtures';
import { creation } from './record-creation';

/** Leases (part of `resultStoreContract`): who may write a running job, and for how long. */
export function resultStoreLeaseTests(store: () => ResultStore) {
  it('holds a running lease against other owners until it lapses', async () => {
    const id = uuidv7();
    await store().transition(id, 'running', creation({ owner: 'old', attempts: 1, leaseMs: 300 }));
    const early = await store().transition(id, 'running', { owner: 'new', attempts: 1 });
    expect(early).toMatchObject({ ok: false, reason: 'lease-held', state: 'running' });
    if (!early.ok) expect(early.leaseRemainingMs).toBeGreaterThan(0);
    await sleep(400);
    expect((await store().transition(id, 'running', { owner: 'new', attempts: 2, leaseMs: 10_000 })).ok).toBe(
      true,
    );
    // The stale holder cannot overwrite the newer owner's job.
    expect(await store().transition(id, 'succeeded', { owner: 'old', result: 1 })).toMatchObject({
      ok: false,
      reason: 'not-owner',
    });
    expect((await store().transition(id, 'succeeded', { owner: 'new', result: 2 })).ok).toBe(true);
    expect((await store().get(id))!.result).toBe(2);
  });

  // A holder whose lease lapsed while it hung: another worker took the job over and scheduled
  // its retry. The stale holder's final `failed` must not end the job the newer run goes on with.
  it('refuses a stale holder once the newer owner has moved the job out of running', async () => {
    const id = uuidv7();
    const error = { type: 'E', message: 'boom', retryable: false };
    await store().transition(id, 'running', creation({ owner: 'old', attempts: 1, leaseMs: 200 }));
    await sleep(300);
    expect((await store().transition(id, 'running', { owner: 'new', attempts: 2 })).ok).toBe(true);
    expect((await store().transition(id, 'retrying', { owner: 'new', error })).ok).toBe(true);
    expect(await store().transition(id, 'failed', { owner: 'old', error })).toMatchObject({
      ok: false,
      reason: 'not-owner',
      state: 'retrying',
    });
    expect((await store().get(id))?.state).toBe('retrying');
    // Writes that name no owner (a cancel, a failure before any run) are not a run's.
    expect((await store().transition(id, 'failed', { error })).ok).toBe(true);
  });

  // A copy of an earlier attempt (deferred behind a run's lease, or redelivered after its ack was
  // lost with the connection) arriving once a later attempt has started: the job has moved past
  // it. Started, it ran that attempt again beside the retries (more runs than maxAttempts).
  it('refuses to start an attempt older than one the record has seen start (not-owner)', async () => {
    const id = uuidv7();
    const error = { type: 'E', message: 'flaky', retryable: true };
    await store().transition(id, 'running', creation({ owner: 'a1', attempts: 1, leaseMs: 10_000 }));
    expect((await store().transition(id, 'retrying', { owner: 'a1', error })).ok).toBe(true);
    expect((await store().transition(id, 'running', { owner: 'a2', attempts: 2, leaseMs: 10_000 })).ok).toBe(
      true,
    );
    expect((await store().transition(id, 'retrying', { owner: 'a2', error })).ok).toBe(true);
    const stale = await store().transition(id, 'running', { owner: 'copy', attempts: 1, leaseMs: 10_000 });
    expect(stale).toMatchObject({ ok: false, reason: 'not-owner', state: 'retrying' });
    expect(await store().get(id)).toMatchObject({ state: 'retrying', attempts: 2 });
    // The same attempt again (handed back at shutdown, a DeferError copy) still starts.
    expect((await store().transition(id, 'running', { owner: 'a2b', attempts: 2, leaseMs: 10_000 })).ok).toBe(
      true,
    );
  });

  // The retry copy of attempt 1 was confirmed (nextAttempt 2): a copy of attempt 1 whose ack was
  // lost, or that waited out the run's lease, then finds the record still retrying after attempt 1.
  it('once the retry copy is marked confirmed, refuses to start the attempt it retries', async () => {
    const id = uuidv7();
    const error = { type: 'E', message: 'flaky', retryable: true };
    const start = (owner: string, attempts: number) =>
      store().transition(id, 'running', { owner, attempts, leaseMs: 10_000 });
    const mark = (nextAttempt: number) => store().transition(id, 'retrying', { nextAttempt, ttlS: 60 });
    await store().transition(id, 'running', creation({ owner: 'a1', attempts: 1, leaseMs: 10_000 }));
    // Only on the record retrying after the attempt before it; not a move.
    expect(await mark(2)).toMatchObject({ ok: false, reason: 'not-owner', state: 'running' });
    expect((await store().transition(id, 'retrying', { owner: 'a1', error })).ok).toBe(true);
    expect(await mark(3)).toMatchObject({ ok: false, reason: 'not-owner', state: 'retrying' });
    expect(await mark(2)).toMatchObject({ ok: true, from: 'retrying' });
    const rec = await store().get(id);
    expect(rec).toMatchObject({ state: 'retrying', attempts: 1, error });
    expect(rec).not.toHaveProperty('nextAttempt');
    expect(await start('copy', 1)).toMatchObject({ ok: false, reason: 'not-owner', state: 'retrying' });
    expect(await start('a2', 2)).toMatchObject({ ok: true, from: 'retrying' });
    // Late (the retry already started): refused, nothing written.
    expect(await mark(2)).toMatchObject({ ok: false, reason: 'not-owner', state: 'running' });
    expect(await store().get(id)).toMatchObject({ state: 'running', attempts: 2 });
  });

  it('renews the lease and stores progress without resetting startedAt', async () => {
    const id = uuidv7();
    await store().transition(id, 'running', creation({ owner: 'w', attempts: 1, leaseMs: 10_000 }));
    const startedAt = (await store().get(id))!.startedAt;
    await sleep(5);
    const out = await store().transition(id, 'running', {
      owner: 'w',
      progress: { pct: 50 },
      leaseMs: 10_000,
    });
    expect(out.ok).toBe(true);
    expect(await store().get(id)).toMatchObject({ state: 'running', progress: { pct: 50 }, startedAt });
  });

  // A renewal (a progress write, a heartbeat) is the caller's own run going on: it may only
  // extend that run. A holder whose lease lapsed (an event-loop stall) keeps running its task;
  // its progress must not revive the job another run has moved on, nor take it over.
  it('refuses a renewal unless the job is running under the same owner', async () => {
    const id = uuidv7();
    const error = { type: 'E', message: 'flaky', retryable: true };
    const renew = (owner: string, progress: unknown) =>
      store().transition(id, 'running', { owner, progress, leaseMs: 200, renew: true });
    await store().transition(id, 'running', creation({ owner: 'old', attempts: 1, leaseMs: 200 }));
    await sleep(300);
    // Lapsed but not taken over: still the holder's own run, startedAt kept.
    const startedAt = (await store().get(id))?.startedAt;
    expect(await renew('old', 1)).toMatchObject({ ok: true, from: 'running' });
    expect(await store().get(id)).toMatchObject({ state: 'running', progress: 1, startedAt });
    await sleep(300);
    expect((await store().transition(id, 'running', { owner: 'new', attempts: 2, leaseMs: 200 })).ok).toBe(
      true,
    );
    // Taken over: refused while the newer lease holds, and after it lapsed (no takeover).
    expect(await renew('old', 2)).toMatchObject({ ok: false, reason: 'not-owner', state: 'running' });
    await sleep(300);
    expect(await renew('old', 3)).toMatchObject({ ok: false, reason: 'not-owner', state: 'running' });
    // Moved on to its retry: the stale holder's progress does not bring it back to running.
    expect((await store().transition(id, 'retrying', { owner: 'new', error })).ok).toBe(true);
    expect(await renew('old', 4)).toMatchObject({ ok: false, reason: 'not-owner', state: 'retrying' });
    expect(await store().get(id)).toMatchObject({ state: 'retrying', attempts: 2, error, progress: 1 });
    // The retry's run starts as usual.
    expect((await store().transition(id, 'running', { owner: 'next', attempts: 3 })).ok).toBe(true);
    // No record (it expired): a renewal does not create one.
    const gone = uuidv7();
    expect(await store().transition(gone, 'running', { owner: 'old', renew: true })).toMatchObject({
      ok: false,
      reason: 'not-owner',
    });
    expect(await store().get(gone)).toBeUndefined();
  });

  // A delivery found past its expiresAt ends the job without running it (the executor's expiry).
  it('ends a job without a run (unlessLeased): never stamped started, refused by a live lease only', async () => {
    const end = (id: string, owner?: string) =>
      store().transition(id, 'expired', { owner, unlessLeased: true, ttlS: 60 });
    // Waiting: ended at once, with no start (it went through running before).
    for (const state of ['queued', 'scheduled'] as const) {
      const id = uuidv7();
      await store().create(id, state, creation({}));
      expect(await end(id, 'w1')).toMatchObject({ ok: true, from: state });
      const rec = await store().get(id);
      expect(rec).toMatchObject({ state: 'expired', attempts: 0 });
      expect(rec?.startedAt).toBeUndefined();
    }
    // Waiting for its retry (the last run moved on): ended too, though the owner is not that run's.
    const retrying = uuidv7();
    await store().transition(retrying, 'running', creation({ owner: 'run1', attempts: 1 }));
    await store().transition(retrying, 'retrying', { owner: 'run1' });
    expect(await end(retrying, 'w1')).toMatchObject({ ok: true, from: 'retrying' });
    // Another owner's live run keeps the job: refused with the lease left, the record unchanged.
    const running = uuidv7();
    await store().transition(running, 'running', creation({ owner: 'run1', attempts: 1, leaseMs: 300 }));
    const held = await end(running, 'w1');
    expect(held).toMatchObject({ ok: false, reason: 'lease-held', state: 'running' });
    if (!held.ok) expect(held.leaseRemainingMs).toBeGreaterThan(0);
    expect(await end(running)).toMatchObject({ ok: false, reason: 'lease-held' });
    expect((await store().get(running))?.state).toBe('running');
    // Its own run (the same owner), or a run whose lease lapsed (its worker died): ended.
    const own = uuidv7();
    await store().transition(own, 'running', creation({ owner: 'w1', attempts: 1, leaseMs: 60_000 }));
    expect(await end(own, 'w1')).toMatchObject({ ok: true, from: 'running' });
    await sleep(400);
    expect(await end(running, 'w1')).toMatchObject({ ok: true, from: 'running' });
    expect((await store().get(running))?.state).toBe('expired');
  });
}
