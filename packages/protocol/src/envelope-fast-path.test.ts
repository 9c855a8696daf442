import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jobEnvelopeSchema, MAX_ATTEMPTS, parseEnvelope } from './envelope';
import { FAST_PATH_FIELDS, fastEnvelope } from './envelope-fast-path';
import { TEST_ENVELOPE } from './test-envelope';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** Per field: values that are valid, at the schema's bounds, or wrong (each once in a while). */
const variants: Record<string, unknown[]> = {
  v: [1, 2, '1', null],
  id: [TEST_ENVELOPE.id, '01ARZ3NDEKTSV4RRFFQ69G5FAV', '01arz3ndektsv4rrffq69g5fav', 'nope', '', 7],
  task: ['demo.add', 'a', 'x'.repeat(128), 'x'.repeat(129), '-a', 'a b', '', 3],
  queue: ['default', 'q:1_2-3', '.q', null],
  input: [{ a: 1 }, null, 0, 'text', [1, 2], { nested: { deep: [true] } }],
  attempt: [1, 2, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 60, '1'],
  maxAttempts: [1, 3, MAX_ATTEMPTS, MAX_ATTEMPTS + 1, 0, 2.5, null],
  backoff: [
    { kind: 'exponential', baseMs: 1000, maxMs: 10_000, jitter: true },
    { kind: 'fixed', baseMs: 0, maxMs: 86_400_000, jitter: false },
    { kind: 'fixed', baseMs: 0, maxMs: 86_400_001, jitter: false },
    { kind: 'exponential', baseMs: 1000, maxMs: 10_000, jitter: true, extra: 1 },
    { kind: 'linear', baseMs: 1, maxMs: 1, jitter: true },
    { baseMs: 1000, maxMs: 10_000, jitter: true },
    { kind: 'fixed', baseMs: -1, maxMs: 5, jitter: true },
    { kind: 'fixed', baseMs: 1, maxMs: 5, jitter: 'yes' },
    {},
    [],
    null,
  ],
  enqueuedAt: [
    '2026-01-01T00:00:00.000Z',
    '2026-01-01T00:00:00Z',
    '2024-02-29T23:59:59.123456+02:00',
    '2025-02-29T00:00:00Z',
    '2026-01-01',
    '2026-01-01T00:00:00',
    'yesterday',
  ],
  notBefore: ['2026-01-01T00:00:01.000Z', '2026-13-01T00:00:00Z', null, 5],
  expiresAt: ['2026-01-02T00:00:00.000-05:30', 'never', null],
  priority: [0, 255, 256, -1, 9.5, null],
  timeoutMs: [1, 2_147_483_647, 2_147_483_648, 0, null],
  idempotencyKey: ['k', 'x'.repeat(276), 'x'.repeat(277), '', null, 42],
  origin: ['eu', 'us-east-1', '', '::1', '0::1'],
  hops: [[], ['eu', 'us'], Array(32).fill('r'), Array(33).fill('r'), ['bad host'], 'eu', null],
  traceparent: [
    TP,
    `01-${TP.slice(3)}-extra`,
    `00-${'0'.repeat(32)}-b7ad6b7169203331-01`,
    'junk',
    '',
    5,
    null,
  ],
  tracestate: ['vendor=value', 'a=1, b=2', 'a=1,a=2', '', '=bad', 7],
};

/** An envelope with some fields absent, some replaced by a variant, and maybe an unknown field. */
const envelopeArb = fc
  .record({
    picks: fc.dictionary(
      fc.constantFrom(...Object.keys(variants)),
      fc.oneof(fc.constant('absent'), fc.nat()),
    ),
    extra: fc.boolean(),
  })
  .map(({ picks, extra }) => {
    const env: Record<string, unknown> = { ...TEST_ENVELOPE };
    for (const [field, pick] of Object.entries(picks)) {
      if (pick === 'absent') delete env[field];
      else env[field] = variants[field]![(pick as number) % variants[field]!.length];
    }
    if (extra) env.somethingElse = { x: 1 };
    return env;
  });

describe('fastEnvelope', () => {
  it('reads every field the schema has, in its order', () => {
    expect([...FAST_PATH_FIELDS]).toEqual(Object.keys(jobEnvelopeSchema.shape));
  });

  it('never accepts what the schema refuses, and returns exactly what the schema returns', () => {
    let taken = 0;
    fc.assert(
      fc.property(envelopeArb, (env) => {
        // Through JSON, as a broker message comes (undefined-valued keys do not exist there).
        const data = JSON.parse(JSON.stringify(env));
        const fast = fastEnvelope(data);
        const slow = jobEnvelopeSchema.safeParse(data);
        if (fast === undefined) return;
        taken++;
        expect(slow.success).toBe(true);
        expect(fast).toStrictEqual(slow.data);
        expect(Object.keys(fast)).toEqual(Object.keys(slow.data as object));
      }),
      { numRuns: 5000 },
    );
    expect(taken).toBeGreaterThan(100); // the property says something only if the path is taken
  });

  it('takes the envelopes warren writes (every optional field set, traceparent included)', () => {
    const full = {
      ...TEST_ENVELOPE,
      notBefore: '2026-01-01T00:00:05.000Z',
      expiresAt: '2026-01-02T00:00:00.000Z',
      priority: 5,
      timeoutMs: 30_000,
      idempotencyKey: 'ak_0123456789abcdef:order-1',
      hops: ['eu'],
      traceparent: TP,
      tracestate: 'vendor=value',
    };
    for (const env of [TEST_ENVELOPE, full]) {
      const fast = fastEnvelope(JSON.parse(JSON.stringify(env)));
      expect(fast).toStrictEqual(jobEnvelopeSchema.parse(env));
    }
  });

  it('leaves what it does not take to the schema, which names the problem', () => {
    const missing = { ...TEST_ENVELOPE, backoff: undefined };
    expect(fastEnvelope(JSON.parse(JSON.stringify(missing)))).toBeUndefined();
    const parsed = parseEnvelope(JSON.stringify({ ...TEST_ENVELOPE, maxAttempts: 0 }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain('maxAttempts');
    // A backoff without its defaults still parses (through zod, which fills them in).
    const defaults = parseEnvelope(JSON.stringify({ ...TEST_ENVELOPE, backoff: {} }));
    expect(defaults.ok && defaults.job.backoff).toEqual({
      kind: 'exponential',
      baseMs: 1000,
      maxMs: 300_000,
      jitter: true,
    });
  });
});
