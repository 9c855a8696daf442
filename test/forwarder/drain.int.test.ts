import { randomUUID } from 'node:crypto';
import { drain } from '@warren/forwarder';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { handler } from '../../stacks/functions/forward-drain';
import { startTcpProxy } from '../support/tcp-proxy';
import { startLocalSqsFront } from './local-sqs';
import { collect, depth, freshQueue, publishMany, sleep } from './support';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const made: string[] = [];

afterAll(async () => {
  const conn = await amqp.connect(URL);
  const ch = await conn.createChannel();
  for (const q of made) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

async function pair(name: string): Promise<[string, string]> {
  const src = `fwd-drain-${name}-src-${sfx}`;
  const dst = `fwd-drain-${name}-dst-${sfx}`;
  made.push(src, dst);
  await freshQueue(URL, src);
  await freshQueue(URL, dst);
  return [src, dst];
}

describe('drain (the Lambda mode)', () => {
  it('forwards everything, then stops by itself once idle', async () => {
    const [src, dst] = await pair('idle');
    await publishMany(URL, src, 2000, 'd');
    const res = await drain({
      links: [
        {
          name: `drain-${sfx}`,
          source: { urls: [URL], queue: src },
          destination: { kind: 'amqp', urls: [URL], queue: dst },
        },
      ],
      deadlineMs: Date.now() + 60_000,
      idleStopMs: 1000,
    });
    expect(res.stoppedBecause).toBe('idle');
    expect(res.links[0]).toMatchObject({ forwarded: 2000, inFlight: 0, state: 'stopped' });
    expect(await depth(URL, src)).toBe(0);
    expect((await collect(URL, dst, 2000, 20_000)).ids.size).toBe(2000);
  }, 90_000);

  it('stops before its deadline with a slow destination, settling in-flight messages: nothing lost', async () => {
    const [src, dst] = await pair('deadline');
    await publishMany(URL, src, 3000, 'e');
    const proxy = await startTcpProxy(5672, 150); // a far region: every round trip +300 ms
    const started = Date.now();
    const deadlineMs = started + 6000;
    try {
      const res = await drain({
        links: [
          {
            name: `drain2-${sfx}`,
            source: { urls: [URL], queue: src },
            destination: { kind: 'amqp', urls: [`amqp://guest:guest@127.0.0.1:${proxy.port}`], queue: dst },
            prefetch: 100,
          },
        ],
        deadlineMs,
        settleMs: 2000,
      });
      expect(res.stoppedBecause).toBe('deadline');
      expect(Date.now()).toBeLessThanOrEqual(deadlineMs + 1000);
      const st = res.links[0]!;
      expect(st.forwarded).toBeGreaterThan(0);
      expect(st.forwarded).toBeLessThan(3000);
    } finally {
      await proxy.close();
    }
    // Whatever was not confirmed went back to the source: source + destination hold every id.
    const left = await depth(URL, src);
    const got = await collect(URL, dst, 3000 - left, 20_000);
    expect(got.ids.size + left).toBeGreaterThanOrEqual(3000);
    const rest = await collect(URL, src, left, 20_000);
    for (let i = 0; i < 3000; i++) {
      if (!got.ids.has(`e-${i}`) && !rest.ids.has(`e-${i}`)) throw new Error(`e-${i} lost`);
    }
  }, 90_000);

  it('two drains of one link at once (a late or retried schedule): one forwards, the other waits in standby; each message once', async () => {
    const [src, dst] = await pair('overlap');
    await publishMany(URL, src, 2000, 'o');
    // A far destination keeps the first drain busy for seconds, well past the second's idle stop.
    const proxy = await startTcpProxy(5672, 40);
    try {
      const run = (log: string[] = []) =>
        drain({
          log: (m) => log.push(m),
          links: [
            {
              name: `overlap-${sfx}`,
              source: { urls: [URL], queue: src },
              destination: { kind: 'amqp', urls: [`amqp://guest:guest@127.0.0.1:${proxy.port}`], queue: dst },
              prefetch: 100,
              standbyRetryMs: 300,
            },
          ],
          deadlineMs: Date.now() + 60_000,
          idleStopMs: 1000,
        });
      const logs: string[][] = [[], []];
      const first = run(logs[0]);
      await sleep(300);
      const results = await Promise.all([first, run(logs[1])]);
      // Whichever took the lease forwarded everything; the other waited in standby, forwarded
      // nothing and stopped by itself once idle.
      const active = results.findIndex((r) => r.links[0]!.forwarded > 0);
      expect(active).toBeGreaterThanOrEqual(0);
      expect(results[active]!.links[0]).toMatchObject({ forwarded: 2000, inFlight: 0 });
      expect(results[1 - active]!.links[0]!.forwarded).toBe(0);
      expect(results[1 - active]!.stoppedBecause).toBe('idle');
      expect(logs[1 - active]!.join('\n')).toMatch(/standby: another instance holds the lease/);
    } finally {
      await proxy.close();
    }
    expect(await depth(URL, src)).toBe(0);
    // Exactly 2000 messages at the destination, 2000 distinct ids among them: none twice.
    expect(await depth(URL, dst)).toBe(2000);
    const got = await collect(URL, dst, 2000, 20_000);
    expect(got.ids.size).toBe(2000);
    expect(got.duplicates).toBe(0);
  }, 90_000);

  it('the Lambda handler runs the planned links (WARREN_FORWARD_LINKS) into SQS within its remaining time', async () => {
    const [src] = await pair('lambda');
    await publishMany(URL, src, 200, 'l');
    const sqs = await startLocalSqsFront(27051);
    const prev = { ...process.env };
    try {
      const queueUrl = await sqs.createQueue(`drain-${sfx}`);
      Object.assign(process.env, {
        WARREN_REGION: 'eu',
        WARREN_REGIONS: JSON.stringify([{ id: 'eu', location: { lat: 0, lon: 0 }, brokers: [URL] }]),
        WARREN_FORWARD_LINKS: JSON.stringify([
          {
            name: `lambda-${sfx}`,
            queue: src,
            from: 'eu',
            to: { kind: 'sqs', queueUrl, fifo: false, awsRegion: 'us-east-1' },
          },
        ]),
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      });
      const started = Date.now();
      const out = await handler({}, { getRemainingTimeInMillis: () => 30_000 - (Date.now() - started) });
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(out.stoppedBecause).toBe('idle');
      expect(out.links).toEqual([
        expect.objectContaining({ name: `lambda-${sfx}`, forwarded: 200, deadLettered: 0 }),
      ]);
      expect(await sqs.count(queueUrl)).toBe(200);
      expect(await depth(URL, src)).toBe(0);
    } finally {
      process.env = prev;
      await sqs.close();
    }
  }, 60_000);
});
