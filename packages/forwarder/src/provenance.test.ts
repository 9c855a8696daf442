import type { MessageProperties } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { FORWARDED_HEADER, prepareHop } from './provenance';
import { redactUrl } from './redact';

const props = (p: Partial<MessageProperties> = {}) => ({ headers: {}, ...p }) as MessageProperties;
const env = (extra: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({ v: 1, id: 'job-1', task: 't', queue: 'q', input: { a: 1 }, hops: [], ...extra }),
  );

describe('prepareHop', () => {
  it('appends the leaving region to hops and one header entry, carries properties', () => {
    const now = Date.now();
    const r = prepareHop(
      env(),
      props({
        contentType: 'application/json',
        messageId: 'job-1',
        type: 't',
        priority: 3,
        deliveryMode: 2,
        timestamp: Math.floor(now / 1000),
        expiration: '60000',
        headers: { keep: 'me' },
      }),
      { link: 'l1', from: 'A', to: 'B', now },
    );
    if (!r.ok) throw new Error(r.reason);
    expect(JSON.parse(r.content.toString()).hops).toEqual(['A']);
    expect(r.jobId).toBe('job-1');
    const o = r.options!;
    expect(o).toMatchObject({ messageId: 'job-1', type: 't', priority: 3, deliveryMode: 2 });
    expect(Number(o.expiration)).toBeGreaterThan(58_000);
    expect(Number(o.expiration)).toBeLessThanOrEqual(60_000);
    expect(o.headers?.keep).toBe('me');
    expect(o.headers?.[FORWARDED_HEADER]).toEqual([`link=l1;from=A;to=B;at=${now}`]);
  });

  it('counts hops taken, not regions seen: a loop under region names that never repeat stops at 32', () => {
    const entry = (i: number) => `link=l;from=A;to=B;at=${i}`;
    const at = (n: number) =>
      prepareHop(
        env({ hops: Array.from({ length: n }, () => 'A') }),
        props({
          contentType: 'application/json',
          headers: { [FORWARDED_HEADER]: Array.from({ length: n }, (_, i) => entry(i)) },
        }),
        { link: 'l', from: 'A', to: 'B', now: Date.now() },
      );
    expect(at(31).ok).toBe(true);
    expect(at(32)).toEqual({ ok: false, reason: 'too many hops (32)' });
  });

  it('refuses a message that already crossed the destination region (A → B → A)', () => {
    const first = prepareHop(env(), props(), { link: 'ab', from: 'A', to: 'B', now: 1 });
    if (!first.ok) throw new Error(first.reason);
    const back = prepareHop(first.content, props(first.options as MessageProperties), {
      link: 'ba',
      from: 'B',
      to: 'A',
      now: 2,
    });
    expect(back).toMatchObject({ ok: false, reason: expect.stringContaining('loop') });
  });

  it('detects loops of non-envelope bodies through the header alone and passes the body raw', () => {
    const raw = Buffer.from([0xff, 0x00, 0x01]);
    const first = prepareHop(raw, props({ contentType: 'application/octet-stream' }), {
      link: 'ab',
      from: 'A',
      to: 'B',
      now: 1,
    });
    if (!first.ok) throw new Error(first.reason);
    expect(first.content).toBe(raw);
    const back = prepareHop(raw, props(first.options as MessageProperties), {
      link: 'ba',
      from: 'B',
      to: 'A',
      now: 2,
    });
    expect(back.ok).toBe(false);
  });

  it('dead-letters a message whose TTL ran out in transit', () => {
    const now = Date.now();
    const r = prepareHop(env({ expiresAt: new Date(now - 1).toISOString() }), props({ expiration: '1000' }), {
      link: 'l',
      from: 'A',
      to: 'B',
      now,
    });
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('expired') });
  });

  it('measures the remaining TTL from the last hop, not again from the AMQP timestamp', () => {
    const t0 = 1_000_000_000_000;
    // Published at t0 with a 60 s TTL; left A at t0 + 25 s: 35 s left, enqueued in B with that.
    const p0 = props({ contentType: 'application/json', expiration: '60000', timestamp: t0 / 1000 });
    // (The timestamp's second is read as its last millisecond: 35,999.)
    const h1 = prepareHop(env(), p0, { link: 'ab', from: 'A', to: 'B', now: t0 + 25_000 });
    if (!h1.ok) throw new Error(h1.reason);
    expect(h1.options?.expiration).toBe('35999');
    // Leaves B 15 s later: 15 s less (from its at=, not from the timestamp, which still says t0).
    const p1 = props(h1.options as MessageProperties);
    const h2 = prepareHop(h1.content, p1, { link: 'bc', from: 'B', to: 'C', now: t0 + 40_000 });
    if (!h2.ok) throw new Error(h2.reason);
    expect(h2.options?.expiration).toBe('20999');
    const h2b = prepareHop(h1.content, p1, { link: 'bc', from: 'B', to: 'C', now: t0 + 30_000 });
    expect(h2b.ok && h2b.options?.expiration).toBe('30999');
  });

  it('keeps a live message with a TTL under a second: the AMQP timestamp is whole seconds', () => {
    // Published at x.950 s with an 800 ms TTL (the timestamp says x.000), forwarded 20 ms later.
    const publishedAt = 1_000_000_000_950;
    const p0 = props({ expiration: '800', timestamp: Math.floor(publishedAt / 1000) });
    const r = prepareHop(env(), p0, { link: 'ab', from: 'A', to: 'B', now: publishedAt + 20 });
    if (!r.ok) throw new Error(r.reason);
    expect(Number(r.options?.expiration)).toBe(800);
    // Past the TTL even from the second's last millisecond: expired.
    const late = prepareHop(env(), p0, { link: 'ab', from: 'A', to: 'B', now: 1_000_000_001_800 });
    expect(late).toMatchObject({ ok: false, reason: expect.stringContaining('expired') });
  });

  it('strips credentials from URLs', () => {
    expect(redactUrl('amqp://user:secret@host:5672/vh?heartbeat=5')).toBe('amqp://host:5672/vh');
    expect(redactUrl('amqps://u:p@h')).toBe('amqps://h');
  });
});
