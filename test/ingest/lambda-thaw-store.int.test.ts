import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { uuidv7 } from '@warren/core';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrozenLambda, removeFrozenBundles, startFrozenLambda } from '../support/frozen-lambda';
import { type NatProxy, startNatProxy } from '../support/nat-proxy';
import { functionUrlEvent, sstSecret } from '../worker/support/function-url-event';
import { REDIS } from '../worker/support/invoke-bundle';

// The Lambda ingest keeps its TCP Redis result store's connection in the module between
// invocations; Lambda freezes the process in between. Redis keeps an idle client, but a NAT on the
// way may forget the flow meanwhile: Redis' side closed, this side hears nothing, and what it sends
// next gets a RST or nothing at all. The bundle runs as deployed in a process of its own, frozen
// with SIGSTOP. (The AMQP connection's thaw: lambda-thaw.int.test.ts.)

const RUN = `wrthaw-${uuidv7().slice(-8)}`;
const vhost = RUN;
const key = `rthaw-test-key-${Math.random().toString(36).slice(2)}xxxxxxxx`;
const rabbitmqctl = (...args: string[]) =>
  promisify(execFile)('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });
const ingestEnv = (redisPort: number) => ({
  WARREN_REGION: 'local',
  WARREN_REGIONS: JSON.stringify([{ id: 'local', location: { lat: 0, lon: 0 }, brokers: [] }]),
  WARREN_BROKER_SOURCES: JSON.stringify({ local: { kind: 'secret', secret: 'WarrenBrokersLocal' } }),
  SST_RESOURCE_WarrenBrokersLocal: sstSecret(`amqp://guest:guest@127.0.0.1:5672/${vhost}`),
  SST_RESOURCE_WarrenApiKeys: sstSecret(key),
  REDIS_URL: `redis://127.0.0.1:${redisPort}`,
  WARREN_REDIS_PREFIX: `${RUN}:`,
});
const post = () =>
  functionUrlEvent('POST', '/v1/jobs', {
    body: { task: 'demo.add', input: { a: 1, b: 1 } },
    headers: { authorization: `Bearer ${key}` },
  });

/** Every message on the vhost's `default` queue (taken off it), by message id. */
async function takeAll(): Promise<string[]> {
  const conn = await amqplib.connect(`amqp://guest:guest@127.0.0.1:5672/${vhost}`);
  const ch = await conn.createChannel();
  const ids: string[] = [];
  for (let m = await ch.get('default', { noAck: true }); m; m = await ch.get('default', { noAck: true }))
    ids.push(String(m.properties.messageId));
  await conn.close();
  return ids;
}

const fns: FrozenLambda[] = [];
const proxies: NatProxy[] = [];
beforeAll(async () => {
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
}, 60_000);
afterAll(async () => {
  for (const f of fns) await f.close();
  for (const p of proxies) await p.close();
  await removeFrozenBundles();
  await rabbitmqctl('delete_vhost', vhost);
  const redis = new (await import('ioredis')).Redis(REDIS);
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}, 60_000);

/** A POST, a 5 s freeze (the NAT forgets the store's flow), then at once a POST and a GET of its job. */
async function thawedPost(mode: 'reset' | 'blackhole') {
  const proxy = await startNatProxy(6379);
  proxies.push(proxy);
  const fn = await startFrozenLambda('ingest', ingestEnv(proxy.port));
  fns.push(fn);
  const auth = { authorization: `Bearer ${key}` };
  const answer = (a: { ok?: unknown; error?: string }) => {
    const res = a.ok as { statusCode: number; body: string } | undefined;
    return { status: res?.statusCode ?? a.error, id: res && (JSON.parse(res.body) as { id?: string }).id };
  };
  const before = answer(await fn.invoke(post()));
  const forget = setTimeout(() => proxy.forget(mode), 1000);
  await fn.freeze(5000);
  clearTimeout(forget);
  const after = answer(await fn.invoke(post()));
  const get = answer(await fn.invoke(functionUrlEvent('GET', `/v1/jobs/${after.id}`, { headers: auth })));
  return { mode, before, after, get };
}

describe('the Lambda ingest thawed after a NAT forgot its result store connection', () => {
  it('records the first job after the thaw: 202, then GET finds it; published once', async () => {
    const runs = await Promise.all((['reset', 'blackhole'] as const).map(thawedPost));
    const ids = await takeAll();
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
