import { describe, expect, it } from 'vitest';
import { answerOf, thawedIngestRun } from '../support/thawed-ingest';
import { functionUrlEvent } from '../worker/support/function-url-event';

// The Lambda ingest keeps its TCP Redis result store's connection in the module between
// invocations; Lambda freezes the process in between. Redis keeps an idle client, but a NAT on the
// way may forget the flow meanwhile: Redis' side closed, this side hears nothing, and what it sends
// next gets a RST or nothing at all. The bundle runs as deployed in a process of its own, frozen
// with SIGSTOP. (The AMQP connection's thaw: lambda-thaw.int.test.ts.)

const t = thawedIngestRun('wrthaw');

/** A POST, a 5 s freeze (the NAT forgets the store's flow), then at once a POST and a GET of its job. */
async function thawedPost(mode: 'reset' | 'blackhole') {
  const proxy = await t.nat(6379);
  const fn = await t.ingest({ redisUrl: `redis://127.0.0.1:${proxy.port}` });
  const before = answerOf(await fn.invoke(t.post()));
  const forget = setTimeout(() => proxy.forget(mode), 1000);
  await fn.freeze(5000);
  clearTimeout(forget);
  const after = answerOf(await fn.invoke(t.post()));
  const get = answerOf(await fn.invoke(functionUrlEvent('GET', `/v1/jobs/${after.id}`, { headers: t.auth })));
  return { mode, before, after, get };
}

describe('the Lambda ingest thawed after a NAT forgot its result store connection', () => {
  it('records the first job after the thaw: 202, then GET finds it; published once', async () => {
    const runs = await Promise.all((['reset', 'blackhole'] as const).map(thawedPost));
    const ids = await t.takeAll();
    expect(
      runs.map((r) => ({ mode: r.mode, before: r.before.status, after: r.after.status, get: r.get.status })),
    ).toEqual(runs.map((r) => ({ mode: r.mode, before: 202, after: 202, get: 200 })));
    for (const r of runs) {
      expect(ids.filter((id) => id === r.before.id)).toHaveLength(1);
      expect(ids.filter((id) => id === r.after.id)).toHaveLength(1);
    }
    expect(ids).toHaveLength(runs.length * 2);
  }, 60_000);
});
