import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { uuidv7 } from '@warren/core';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrozenLambda, removeFrozenBundles, startFrozenLambda } from '../support/frozen-lambda';
import { type NatProxy, startNatProxy } from '../support/nat-proxy';
import { functionUrlEvent, sstSecret } from '../worker/support/function-url-event';
import { REDIS } from '../worker/support/invoke-bundle';

// The Lambda ingest keeps its AMQP connection in the module between invocations; Lambda freezes
// the process in between. Frozen past RabbitMQ's heartbeat timeout, the connection is dead when
// the next request comes: closed by the broker (its FIN waits in the socket), or forgotten by a
// NAT on the way (the broker's side closed, this side hears nothing; what it sends next gets a RST
// or nothing at all). The bundle runs as deployed in a process of its own, frozen with SIGSTOP.

const RUN = `wthaw-${uuidv7().slice(-8)}`;
const vhost = RUN;
const key = `thaw-test-key-${Math.random().toString(36).slice(2)}xxxxxxxx`;
const rabbitmqctl = (...args: string[]) =>
  promisify(execFile)('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });
/** heartbeat=1: RabbitMQ closes a connection it heard nothing on for ~2-3 s. */
const ingestEnv = (port: number) => ({
  WARREN_REGION: 'local',
  WARREN_REGIONS: JSON.stringify([{ id: 'local', location: { lat: 0, lon: 0 }, brokers: [] }]),
  WARREN_BROKER_SOURCES: JSON.stringify({ local: { kind: 'secret', secret: 'WarrenBrokersLocal' } }),
  SST_RESOURCE_WarrenBrokersLocal: sstSecret(`amqp://guest:guest@127.0.0.1:${port}/${vhost}?heartbeat=1`),
  SST_RESOURCE_WarrenApiKeys: sstSecret(key),
  REDIS_URL: REDIS,
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

type Death = 'closed by the broker' | 'forgotten, then reset' | 'forgotten, then silent';

/** Invokes, freezes for 5 s (the connection dies meanwhile), thaws and invokes again at once. */
async function thawedPost(death: Death) {
  const proxy = death === 'closed by the broker' ? undefined : await startNatProxy(5672);
  if (proxy) proxies.push(proxy);
  const fn = await startFrozenLambda('ingest', ingestEnv(proxy?.port ?? 5672));
  fns.push(fn);
  const answer = (a: { ok?: unknown; error?: string }) => {
    const res = a.ok as { statusCode: number; body: string } | undefined;
    return { status: res?.statusCode ?? a.error, id: res && (JSON.parse(res.body) as { id?: string }).id };
  };
  const before = answer(await fn.invoke(post()));
  // Forgotten before the broker's own heartbeat timeout, so no FIN ever comes through the proxy.
  const forget =
    proxy && setTimeout(() => proxy.forget(death.endsWith('reset') ? 'reset' : 'blackhole'), 1000);
  await fn.freeze(5000);
  clearTimeout(forget);
  const after = await fn.invoke(post());
  return { death, before, after: answer(after), ms: after.ms };
}

describe('the Lambda ingest frozen past the broker heartbeat timeout, thawed', () => {
  it('answers the first POST after the thaw 202, the job published once, however the connection died', async () => {
    const runs = await Promise.all(
      (['closed by the broker', 'forgotten, then reset', 'forgotten, then silent'] as const).map(thawedPost),
    );
    const ids = await takeAll();
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
