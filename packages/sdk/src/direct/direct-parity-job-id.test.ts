import type { AddressInfo } from 'node:net';
import {
  createProducer,
  defineConfig,
  defineTask,
  JOB_ID_PATTERN,
  MemoryBroker,
  MemoryResultStore,
  type Publisher,
} from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createClient } from '../http/client';
import { JOB_ID } from '../http/job-id';
import { createDirectClient } from './direct-client';

const add = defineTask({ name: 'demo.add', input: z.object({ a: z.number() }), handler: ({ a }) => a });
const config = defineConfig({ queues: { default: {} }, tasks: [add] });

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Both clients over one real ingest, counting the HTTP client's requests and the store's reads. */
async function bothClients() {
  const broker = new MemoryBroker();
  const store = new MemoryResultStore();
  const seen = { requests: 0, reads: 0 };
  const results = Object.assign(store, {
    get: (id: string) => {
      seen.reads++;
      return MemoryResultStore.prototype.get.call(store, id);
    },
  });
  const publishers = new Map<string, Publisher>([[config.region, broker]]);
  const producer = createProducer({ config, publishers, results });
  const server = await serveNode(createIngestApp({ config, producer, results }), 0, '127.0.0.1');
  closers.push(
    () => new Promise((r) => server.close(r)),
    () => broker.close(),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const counting = (input: string, init: RequestInit) => {
    seen.requests++;
    return fetch(input, init);
  };
  return {
    seen,
    http: createClient({ url, fetch: counting, retry: { attempts: 1 } }),
    direct: createDirectClient({ config, publishers, results, retry: { attempts: 1 } }),
  };
}

describe('direct and HTTP clients refuse an id no job can have alike', () => {
  it('a TypeError naming the id, before any request or read (HTTP: an empty id was a 404 about a trailing slash)', async () => {
    const { seen, http, direct } = await bothClients();
    const ids = ['', 'nope', '../x', ' 01920000-0000-7000-8000-000000000001'];
    const cases = (c: typeof http | typeof direct) =>
      ids.flatMap((id) => [c.get(id), c.wait(id, { timeoutMs: 100 }), c.wait({ id }), c.cancel(id)]);
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: unknown) => `${(e as Error).constructor.name}: ${(e as Error).message}`,
      );
    const viaHttp = await Promise.all(cases(http).map(outcome));
    const viaDirect = await Promise.all(cases(direct).map(outcome));
    expect(viaHttp).toEqual(
      ids.flatMap((id) =>
        Array(4).fill(`TypeError: job id must be a UUID or a ULID, got ${JSON.stringify(id)}`),
      ),
    );
    expect(viaDirect).toEqual(viaHttp);
    expect(seen).toEqual({ requests: 0, reads: 0 });
  });

  it("a well-formed id of no job is still the ingest's 404 on both", async () => {
    const { http, direct } = await bothClients();
    const missing = '01JEZ4SX0000000000000000AB'.toLowerCase(); // a ULID, in lower case as the ingest takes it
    for (const c of [http, direct]) await expect(c.get(missing)).rejects.toMatchObject({ status: 404 });
  });

  it("the SDK's pattern is the protocol's (written apart so the client bundle takes no zod)", () => {
    expect(JOB_ID.source).toBe(JOB_ID_PATTERN.source);
    expect(JOB_ID.flags).toBe(JOB_ID_PATTERN.flags);
  });
});
