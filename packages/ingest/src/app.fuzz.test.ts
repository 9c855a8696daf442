import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEY_ALL, testIngest } from './testing-helpers';

/** Bodies that look like enqueue requests, with every field possibly wrong. */
const almostValid = fc.record(
  {
    task: fc.oneof(
      fc.constantFrom('demo.add', 'demo.echo', 'email.send', 'nope', ''),
      fc.string(),
      fc.anything(),
    ),
    input: fc.oneof(fc.record({ a: fc.anything(), b: fc.anything() }), fc.jsonValue(), fc.anything()),
    queue: fc.oneof(fc.constantFrom('default', 'x'), fc.anything()),
    delayMs: fc.oneof(fc.integer({ min: -10, max: 10_000 }), fc.maxSafeNat(), fc.double(), fc.anything()),
    runAt: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
    ),
    expiresInMs: fc.oneof(fc.nat(), fc.maxSafeNat(), fc.double(), fc.anything()),
    priority: fc.oneof(fc.integer({ min: -5, max: 300 }), fc.anything()),
    maxAttempts: fc.oneof(fc.integer({ min: -1, max: 2000 }), fc.anything()),
    idempotencyKey: fc.oneof(fc.string({ maxLength: 300 }), fc.anything()),
    region: fc.oneof(fc.constantFrom('local', 'eu'), fc.string()),
    [fc.sample(fc.string({ minLength: 1, maxLength: 8 }), 1)[0] ?? 'extra']: fc.anything(),
  },
  { requiredKeys: [] },
);

const valid = fc
  .record(
    { task: fc.constant('demo.echo'), input: fc.jsonValue(), delayMs: fc.nat({ max: 1000 }) },
    { requiredKeys: ['task'] },
  )
  .map((o) => JSON.stringify(o));

/** Well-formed requests whose task or input is wrong (the 422 path). */
const wrongInput = fc
  .record({ task: fc.constantFrom('demo.add', 'email.send', 'no.such.task'), input: fc.jsonValue() })
  .map((o) => JSON.stringify(o));

const body = fc.oneof(
  { arbitrary: valid, weight: 2 },
  { arbitrary: wrongInput, weight: 2 },
  {
    arbitrary: almostValid.map((o) => JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? String(v) : v))),
    weight: 3,
  },
  { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 1 },
  { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')), weight: 1 },
  { arbitrary: fc.constant(''), weight: 1 },
);

const headers = fc.record(
  {
    'content-type': fc.oneof(
      { arbitrary: fc.constant('application/json'), weight: 4 },
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/problem+json',
        '',
      ),
      fc.string({ maxLength: 40 }),
    ),
    authorization: fc.oneof(
      fc.constant(`Bearer ${KEY_ALL}`),
      fc.constant('Bearer '),
      fc.string({ maxLength: 60 }),
    ),
    'idempotency-key': fc.string({ maxLength: 300 }),
    traceparent: fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
    ),
    'cf-iplatitude': fc.oneof(fc.double().map(String), fc.string({ maxLength: 10 })),
    'cf-iplongitude': fc.oneof(fc.double().map(String), fc.string({ maxLength: 10 })),
    'cf-ipcountry': fc.string({ maxLength: 3 }),
  },
  { requiredKeys: ['content-type', 'authorization'] },
);

/** Header values must be ByteStrings without CR/LF to be sendable at all. */
const sendable = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).filter(([, v]) => /^[\x20-\x7e\t]*$/.test(v)));

describe('POST /v1/jobs under 10,000 random bodies and headers', () => {
  it('never answers 5xx, and every 4xx is problem+json', async () => {
    const { app } = testIngest({
      config: { auth: { keys: [{ key: KEY_ALL }] }, ingest: { bodyLimitBytes: 4096 } },
    });
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, headers, async (b, h) => {
        const res = await app.request('/v1/jobs', { method: 'POST', headers: sendable(h), body: b });
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get('content-type')).toBe('application/problem+json');
          const p = await res.json();
          expect(p.status).toBe(res.status);
        }
      }),
      { numRuns: 10_000 },
    );
    // The generators reach past validation: some requests are accepted, many are refused.
    expect(seen.get(202) ?? 0).toBeGreaterThan(0);
    expect(Object.fromEntries(seen)).toMatchObject({
      400: expect.any(Number),
      401: expect.any(Number),
      415: expect.any(Number),
      422: expect.any(Number),
    });
  }, 120_000);
});
