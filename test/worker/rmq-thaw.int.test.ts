import { createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import amqplib from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FrozenLambda, removeFrozenBundles, startFrozenLambda } from '../support/frozen-lambda';
import { type NatProxy, startNatProxy } from '../support/nat-proxy';
import { AMQP, REDIS } from './support/invoke-bundle';
import { takeAsRmqEvent } from './support/rmq-event-source';

// The Amazon MQ trigger's worker keeps its AMQP connection (retries and dead letters go out on
// it) in the module between invocations; Lambda freezes the process in between. Frozen past
// RabbitMQ's heartbeat timeout, the connection is dead at the next invocation: closed by the
// broker, or forgotten by a NAT on the way (then a RST, or nothing). The bundle runs as deployed
// in a process of its own, frozen with SIGSTOP.

const RUN = `wrthaw-${uuidv7().slice(-8)}`;
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
const broker = createAmqpBroker({ urls: [AMQP] });
let conn: amqplib.ChannelModel;
let ch: amqplib.Channel;
const fns: FrozenLambda[] = [];
const proxies: NatProxy[] = [];
const queues: string[] = [];

beforeAll(async () => {
  await broker.connect();
  conn = await amqplib.connect(AMQP);
  ch = await conn.createChannel();
});
afterAll(async () => {
  for (const f of fns) await f.close();
  for (const p of proxies) await p.close();
  await removeFrozenBundles();
  for (const q of queues) {
    await ch.deleteQueue(q).catch(() => {});
    await ch.deleteQueue(`${q}.dlq`).catch(() => {});
  }
  await conn?.close();
  await broker.close();
  await results.close();
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${RUN}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}, 60_000);

type Death = 'closed by the broker' | 'forgotten, then reset' | 'forgotten, then silent';

/** Everything on `queue` within `ms` (the retry comes back from its delay tier). */
async function drain(queue: string, ms: number): Promise<amqplib.GetMessage[]> {
  const out: amqplib.GetMessage[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const m = await ch.get(queue, { noAck: true });
    if (m) out.push(m);
    else await new Promise((r) => setTimeout(r, 100));
  }
  return out;
}

/** One warm-up invocation, a 5 s freeze (the connection dies), then a mixed batch at once. */
async function thawedBatch(death: Death) {
  const queue = `${RUN}.${death.replace(/\W+/g, '-')}`;
  queues.push(queue);
  await broker.ensureQueue(queue);
  const proxy = death === 'closed by the broker' ? undefined : await startNatProxy(5672);
  if (proxy) proxies.push(proxy);
  const fn = await startFrozenLambda('rmq-worker', {
    REDIS_URL: REDIS,
    // heartbeat=1: RabbitMQ closes a connection it heard nothing on for ~2-3 s.
    RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${proxy?.port ?? 5672}?heartbeat=1`,
    WARREN_REDIS_PREFIX: `${RUN}:`,
  });
  fns.push(fn);
  const warm = makeJob({ task: 'demo.add', queue, input: { a: 1, b: 1 } });
  await broker.publisher.publish(queue, warm);
  const first = await fn.invoke(await takeAsRmqEvent(ch, queue));
  const ok = makeJob({ task: 'demo.add', queue, input: { a: 1, b: 2 } });
  const fail = makeJob({ task: 'demo.fail', queue, input: {}, maxAttempts: 3 });
  await broker.publisher.publish(queue, ok);
  await broker.publisher.publish(queue, fail);
  await broker.publishRaw(queue, 'not json at all');
  const event = await takeAsRmqEvent(ch, queue);
  // Forgotten before the broker's own heartbeat timeout, so no FIN ever comes through the proxy.
  const forget =
    proxy && setTimeout(() => proxy.forget(death.endsWith('reset') ? 'reset' : 'blackhole'), 1000);
  await fn.freeze(5000);
  clearTimeout(forget);
  const after = await fn.invoke(event);
  return { death, queue, first, after, ok, fail, warm };
}

describe('the Amazon MQ trigger worker frozen past the broker heartbeat timeout, thawed', () => {
  it('runs the first batch after the thaw: results written, the retry and the dead letter published once', async () => {
    const runs = await Promise.all(
      (['closed by the broker', 'forgotten, then reset', 'forgotten, then silent'] as const).map(thawedBatch),
    );
    const seen = await Promise.all(
      runs.map(async (r) => ({
        death: r.death,
        first: r.first.ok === null ? 'ok' : r.first.error,
        after: r.after.ok === null ? 'ok' : r.after.error,
        warm: (await results.get(r.warm.id))?.result,
        ok: (await results.get(r.ok.id))?.result,
        fail: (await results.get(r.fail.id))?.state,
        dead: (await broker.peekDeadLetters(r.queue)).map((d) => d.reason),
        // The retry went to a delay tier (1 s backoff) and comes back to the queue as attempt 2.
        back: (await drain(r.queue, 4000)).map((m) => JSON.parse(m.content.toString()) as { id: string }),
      })),
    );
    expect(seen).toEqual(
      runs.map((r) => ({
        death: r.death,
        first: 'ok',
        after: 'ok',
        warm: 2,
        ok: 3,
        fail: 'retrying',
        dead: [expect.stringMatching(/not JSON/)],
        back: [expect.objectContaining({ id: r.fail.id, attempt: 2 })],
      })),
    );
  }, 60_000);
});
