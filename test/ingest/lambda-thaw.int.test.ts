import { describe, expect, it } from 'vitest';
import { answerOf, thawedIngestRun } from '../support/thawed-ingest';

// The Lambda ingest keeps its AMQP connection in the module between invocations; Lambda freezes
// the process in between. Frozen past RabbitMQ's heartbeat timeout, the connection is dead when
// the next request comes: closed by the broker (its FIN waits in the socket), or forgotten by a
// NAT on the way (the broker's side closed, this side hears nothing; what it sends next gets a RST
// or nothing at all). The bundle runs as deployed in a process of its own, frozen with SIGSTOP.

const t = thawedIngestRun('wthaw');

type Death = 'closed by the broker' | 'forgotten, then reset' | 'forgotten, then silent';

/** Invokes, freezes for 5 s (the connection dies meanwhile), thaws and invokes again at once. */
async function thawedPost(death: Death) {
  const proxy = death === 'closed by the broker' ? undefined : await t.nat(5672);
  // heartbeat=1: RabbitMQ closes a connection it heard nothing on for ~2-3 s.
  const fn = await t.ingest({ amqpPort: proxy?.port, heartbeat: 1 });
  const before = answerOf(await fn.invoke(t.post()));
  // Forgotten before the broker's own heartbeat timeout, so no FIN ever comes through the proxy.
  const forget =
    proxy && setTimeout(() => proxy.forget(death.endsWith('reset') ? 'reset' : 'blackhole'), 1000);
  await fn.freeze(5000);
  clearTimeout(forget);
  const after = await fn.invoke(t.post());
  return { death, before, after: answerOf(after), ms: after.ms };
}

describe('the Lambda ingest frozen past the broker heartbeat timeout, thawed', () => {
  it('answers the first POST after the thaw 202, the job published once, however the connection died', async () => {
    const runs = await Promise.all(
      (['closed by the broker', 'forgotten, then reset', 'forgotten, then silent'] as const).map(thawedPost),
    );
    const ids = await t.takeAll();
    expect(runs.map((r) => ({ death: r.death, before: r.before.status, after: r.after.status }))).toEqual(
      runs.map((r) => ({ death: r.death, before: 202, after: 202 })),
    );
    for (const r of runs) {
      expect(ids.filter((id) => id === r.before.id)).toHaveLength(1);
      expect(ids.filter((id) => id === r.after.id)).toHaveLength(1);
    }
    expect(ids).toHaveLength(runs.length * 2);
  }, 60_000);
});
