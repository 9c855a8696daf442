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

  it('strips credentials from URLs', () => {
    expect(redactUrl('amqp://user:secret@host:5672/vh?heartbeat=5')).toBe('amqp://host:5672/vh');
    expect(redactUrl('amqps://u:p@h')).toBe('amqps://h');
  });
});
