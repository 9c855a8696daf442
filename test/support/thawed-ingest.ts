import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { uuidv7 } from '@warren/core';
import amqplib from 'amqplib';
import { afterAll, beforeAll } from 'vitest';
import { functionUrlEvent, sstSecret } from '../worker/support/function-url-event';
import { REDIS } from '../worker/support/invoke-bundle';
import { type FrozenLambda, removeFrozenBundles, startFrozenLambda } from './frozen-lambda';
import { type NatProxy, startNatProxy } from './nat-proxy';

const rabbitmqctl = (...args: string[]) =>
  promisify(execFile)('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });

/** What one invocation answered: its status (or error) and the job id of a 2xx. */
export const answerOf = (a: { ok?: unknown; error?: string }) => {
  const res = a.ok as { statusCode: number; body: string } | undefined;
  return { status: res?.statusCode ?? a.error, id: res && (JSON.parse(res.body) as { id?: string }).id };
};

/**
 * A test file's Lambda ingest bundles, frozen and thawed (lambda-thaw*.int.test.ts): a vhost of
 * the file's own on the shared broker (its `default` queue is the file's alone), an API key, the
 * env the bundle reads, and the cleanup of the vhost, the processes, the proxies and the Redis keys.
 */
export function thawedIngestRun(tag: string) {
  const run = `${tag}-${uuidv7().slice(-8)}`;
  const vhost = run;
  const key = `${tag}-test-key-${Math.random().toString(36).slice(2)}xxxxxxxx`;
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
    const keys = await redis.keys(`${run}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }, 60_000);
  return {
    key,
    auth: { authorization: `Bearer ${key}` },
    /** A NAT proxy in front of `port`, closed after the file. */
    async nat(port: number): Promise<NatProxy> {
      const p = await startNatProxy(port);
      proxies.push(p);
      return p;
    },
    /** The ingest bundle in a process of its own, broker and store at the given addresses. */
    async ingest(
      o: { amqpPort?: number; heartbeat?: number; redisUrl?: string } = {},
    ): Promise<FrozenLambda> {
      const query = o.heartbeat ? `?heartbeat=${o.heartbeat}` : '';
      const fn = await startFrozenLambda('ingest', {
        WARREN_REGION: 'local',
        WARREN_REGIONS: JSON.stringify([{ id: 'local', location: { lat: 0, lon: 0 }, brokers: [] }]),
        WARREN_BROKER_SOURCES: JSON.stringify({ local: { kind: 'secret', secret: 'WarrenBrokersLocal' } }),
        SST_RESOURCE_WarrenBrokersLocal: sstSecret(
          `amqp://guest:guest@127.0.0.1:${o.amqpPort ?? 5672}/${vhost}${query}`,
        ),
        SST_RESOURCE_WarrenApiKeys: sstSecret(key),
        REDIS_URL: o.redisUrl ?? REDIS,
        WARREN_REDIS_PREFIX: `${run}:`,
      });
      fns.push(fn);
      return fn;
    },
    post: () =>
      functionUrlEvent('POST', '/v1/jobs', {
        body: { task: 'demo.add', input: { a: 1, b: 1 } },
        headers: { authorization: `Bearer ${key}` },
      }),
    /** Every message on the vhost's `default` queue (taken off it), by message id. */
    async takeAll(): Promise<string[]> {
      const conn = await amqplib.connect(`amqp://guest:guest@127.0.0.1:5672/${vhost}`);
      const ch = await conn.createChannel();
      const ids: string[] = [];
      for (let m = await ch.get('default', { noAck: true }); m; m = await ch.get('default', { noAck: true }))
        ids.push(String(m.properties.messageId));
      await conn.close();
      return ids;
    },
  };
}
