import { createProducer, defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp } from '@warren/ingest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClient } from './client';
import type { FetchLike } from './request';

/**
 * `maxLongPolls` through the real ingest app (app.request) over the memory broker and store. The
 * jobs never run (no worker): a wait ends by its job's cancel, its timeout, its signal or an error.
 */
const config = defineConfig({
  queues: { default: {} },
  tasks: [defineTask({ name: 'demo.x', input: z.number(), handler: (x) => x })],
});
let broker: MemoryBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

interface Sent {
  id: string;
  long: boolean;
}

/** The ingest app, and a fetch that records each GET of a job and counts its long-polls in flight. */
function ingest(answer?: (sent: Sent, n: number) => Response | undefined) {
  broker = new MemoryBroker();
  const results = new MemoryResultStore();
  const publishers = new Map([[config.region, broker]]);
  const app = createIngestApp({ config, producer: createProducer({ config, publishers, results }), results });
  const sent: Sent[] = [];
  const inFlight = new Set<string>();
  let most = 0;
  const fetch: FetchLike = async (url, init) => {
    const m = /\/v1\/jobs\/([^/?]+)(\?wait=)?/.exec(url);
    if (!m || init.method !== 'GET') return app.request(url, init);
    const s = { id: decodeURIComponent(m[1]!), long: m[2] !== undefined };
    sent.push(s);
    const own = answer?.(s, sent.filter((x) => x.id === s.id).length);
    if (own) return own;
    const key = `${s.id} ${sent.length}`;
    if (s.long) inFlight.add(key);
    most = Math.max(most, inFlight.size);
    try {
      return await app.request(url, init);
    } finally {
      inFlight.delete(key);
    }
  };
  const longPolling = () => [...inFlight].map((k) => k.split(' ')[0]!);
  return { fetch, sent, longPolling, most: () => most };
}

/** Resolves once `cond` holds; fails the test after 8 s rather than at its timeout. */
async function until(cond: () => boolean) {
  for (const end = Date.now() + 8_000; !cond(); await new Promise((r) => setTimeout(r, 5)))
    if (Date.now() > end) throw new Error(`never came true: ${cond}`);
}

describe('wait within the client long-poll budget', () => {
  it('Node default: no cap, 20 concurrent waits all long-poll at once', async () => {
    const { fetch, sent, most, longPolling } = ingest();
    const client = createClient({ url: 'http://ingest', fetch });
    const jobs = await Promise.all(Array.from({ length: 20 }, (_, i) => client.enqueue('demo.x', i)));
    const waits = jobs.map((j) => client.wait(j, { timeoutMs: 20_000 }));
    await until(() => longPolling().length === 20);
    await Promise.all(jobs.map((j) => client.cancel(j.id)));
    expect((await Promise.all(waits)).map((r) => r.state)).toEqual(jobs.map(() => 'cancelled'));
    expect(most()).toBe(20);
    expect(sent.every((s) => s.long)).toBe(true);
  });

  it('maxLongPolls 2: six waits long-poll two at a time, the others read with short GETs; a freed slot goes to the first in line', async () => {
    const { fetch, sent, most, longPolling } = ingest();
    const client = createClient({ url: 'http://ingest', fetch, maxLongPolls: 2 });
    const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => client.enqueue('demo.x', i)));
    const ids = jobs.map((j) => j.id);
    const waits = jobs.map((j) => client.wait(j, { timeoutMs: 20_000 }));
    await until(
      () => longPolling().length === 2 && ids.slice(2).every((id) => sent.some((s) => s.id === id)),
    );
    expect(longPolling().sort()).toEqual(ids.slice(0, 2).sort());
    // The four without a slot read their job at once, with no `wait`.
    for (const id of ids.slice(2)) expect(sent.find((s) => s.id === id)).toEqual({ id, long: false });

    // The first wait ends (its job cancelled): its slot goes to the third wait, first in line.
    await client.cancel(ids[0]!);
    expect((await waits[0])!.state).toBe('cancelled');
    await until(() => longPolling().includes(ids[2]!));
    expect(longPolling().sort()).toEqual([ids[1]!, ids[2]!].sort());

    await Promise.all(ids.slice(1).map((id) => client.cancel(id)));
    expect((await Promise.all(waits)).map((r) => r.state)).toEqual(ids.map(() => 'cancelled'));
    expect(most()).toBe(2);
  });

  it('the slot is given back on each way a wait ends: result, timeout, abort, error', async () => {
    const { fetch, sent } = ingest();
    const client = createClient({ url: 'http://ingest', fetch, maxLongPolls: 1 });
    /** A new wait's first GET long-polls only when the one slot is free. */
    const slotFree = async () => {
      const job = await client.enqueue('demo.x', 0);
      const waiting = client.wait(job, { timeoutMs: 5_000 });
      await until(() => sent.some((s) => s.id === job.id));
      const first = sent.find((s) => s.id === job.id)!.long;
      await client.cancel(job.id);
      expect((await waiting).state).toBe('cancelled'); // a result: checked by the next slotFree
      return first;
    };
    expect(await slotFree()).toBe(true);

    const timedOut = await client.enqueue('demo.x', 1);
    const timeout = await client.wait(timedOut, { timeoutMs: 200 }).catch((e: Error) => e.name);
    expect(timeout).toBe('WaitTimeoutError');
    expect(await slotFree()).toBe(true);

    const stop = new AbortController();
    const aborted = client.wait(await client.enqueue('demo.x', 2), { signal: stop.signal });
    await until(() => sent.at(-1)!.long);
    stop.abort(new Error('left'));
    await expect(aborted).rejects.toThrow('left');
    expect(await slotFree()).toBe(true);

    // An unknown job: the ingest's 404, thrown from the long-poll try.
    const unknown = client.wait('01920000-0000-7000-8000-00000000dead', { timeoutMs: 5_000 });
    await expect(unknown).rejects.toMatchObject({ status: 404 });
    expect(sent.at(-1)).toMatchObject({ long: true });
    expect(await slotFree()).toBe(true);
  });

  it("a retry's pause holds no slot: another wait long-polls meanwhile, and the retry reads with a short GET", async () => {
    let first = '';
    let read = false; // the client has read the 503's body: its try is over
    const { fetch, sent } = ingest((s, n) => {
      first ||= s.id;
      if (s.id !== first || n > 1) return undefined;
      // The body tells when it was read to its end. Not by replacing res.text: a file sharing this
      // worker may have started @hono/node-server, whose global Response has a read-only text, so
      // the assignment threw inside fetch (a network error to the client) and this never came true.
      const bytes = new TextEncoder().encode('{"type":"about:blank","title":"busy","status":503}');
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent) {
            c.close();
            read = true;
          } else {
            c.enqueue(bytes);
            sent = true;
          }
        },
      });
      return new Response(body, {
        status: 503,
        headers: { 'content-type': 'application/problem+json', 'retry-after': '1' },
      });
    });
    const client = createClient({ url: 'http://ingest', fetch, maxLongPolls: 1 });
    const [a, b] = [await client.enqueue('demo.x', 1), await client.enqueue('demo.x', 2)];
    const waitA = client.wait(a, { timeoutMs: 10_000 });
    await until(() => read); // a's long-poll, answered 503: a pauses 1 s
    const waitB = client.wait(b, { timeoutMs: 10_000 });
    await until(() => sent.filter((s) => s.id === a.id).length === 2);
    expect(sent.slice(0, 3)).toEqual([
      { id: a.id, long: true },
      { id: b.id, long: true },
      { id: a.id, long: false },
    ]);
    await Promise.all([client.cancel(a.id), client.cancel(b.id)]);
    expect([(await waitA).state, (await waitB).state]).toEqual(['cancelled', 'cancelled']);
  });
});
