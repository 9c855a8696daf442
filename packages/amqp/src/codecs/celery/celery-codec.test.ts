import { readFileSync } from 'node:fs';
import { defineConfig, defineTask } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import type { MessageProperties } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { IncomingMessage } from '../../codec';
import { celeryCodec, createCeleryCodec, WARREN_HEADER } from './celery-codec';
import { celeryCodecsFor } from './codecs-for-config';

/** Real messages: Celery 5.2.6 send_task → RabbitMQ → py-amqp basic_get (fixtures/capture.py). */
interface Captured {
  task_id: string;
  body_base64: string;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/messages.json', import.meta.url), 'utf8')) as {
  celery: string;
  messages: Record<string, Captured>;
};

/** What amqplib hands a consumer for the captured message. */
function incoming(c: Captured): IncomingMessage {
  const p = c.properties;
  return {
    content: Buffer.from(c.body_base64, 'base64'),
    properties: {
      contentType: p.content_type,
      contentEncoding: p.content_encoding,
      correlationId: p.correlation_id,
      deliveryMode: p.delivery_mode,
      priority: p.priority,
      replyTo: p.reply_to,
      expiration: p.expiration,
      headers: c.headers,
    } as MessageProperties,
  };
}
const msg = (label: string) => {
  const c = fixture.messages[label];
  if (!c) throw new Error(`no fixture ${label}`);
  return c;
};

const add = defineTask({
  name: 'demo.add',
  queue: 'celery',
  input: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});
const tasks = new Map([[add.name, add]]);

describe('celery codec: decoding messages sent by Python Celery', () => {
  it('was captured from Celery 5.2', () => {
    expect(fixture.celery).toMatch(/^5\.2\./);
  });

  it('keeps positional args as {args, kwargs} when the task is unknown', () => {
    const c = msg('positional');
    const r = celeryCodec.decode(incoming(c));
    expect(r).toMatchObject({ ok: true, attempt: 1 });
    if (!r.ok) return;
    expect(r.job).toMatchObject({
      id: c.task_id,
      task: 'demo.add',
      input: { args: [2, 3], kwargs: {} },
      attempt: 1,
    });
    expect(r.job.notBefore).toBeUndefined();
  });

  it('binds positional args to the input keys of a known task (like a Python call)', () => {
    const r = createCeleryCodec({ tasks }).decode(incoming(msg('positional')));
    expect(r.ok && r.job.input).toEqual({ a: 2, b: 3 });
    expect(r.ok && r.job.queue).toBe('celery');
    expect(r.ok && r.job.maxAttempts).toBe(add.retry.maxAttempts);
  });

  it('gives positional args alone as the value or array a non-keyword schema takes, else {args, kwargs}', () => {
    const square = defineTask({
      name: 'demo.square',
      queue: 'celery',
      input: z.number(),
      handler: (n) => n * n,
    });
    const sum = defineTask({
      name: 'demo.sum',
      queue: 'celery',
      input: z.array(z.number()),
      handler: () => 0,
    });
    const echo = defineTask({ name: 'demo.echo', queue: 'celery', input: z.any(), handler: (v) => v });
    const codec = createCeleryCodec({ tasks: new Map([square, sum, echo].map((t) => [t.name, t])) });
    const base = incoming(msg('positional'));
    const call = (task: string, args: unknown[], kwargs = {}) => {
      const r = codec.decode({
        content: Buffer.from(JSON.stringify([args, kwargs, {}])),
        properties: { ...base.properties, headers: { ...base.properties.headers, task } },
      });
      return r.ok ? r.job.input : r.reason;
    };
    expect(call('demo.square', [7])).toBe(7);
    expect(call('demo.sum', [[1, 2, 3]])).toEqual([1, 2, 3]);
    expect(call('demo.sum', [1, 2, 3])).toEqual([1, 2, 3]);
    expect(call('demo.echo', [1])).toEqual({ args: [1], kwargs: {} });
    // Neither fits, or keywords were given: the documented form, which the task then refuses.
    expect(call('demo.square', [1, 2])).toEqual({ args: [1, 2], kwargs: {} });
    expect(call('demo.square', [7], { x: 1 })).toEqual({ args: [7], kwargs: { x: 1 } });
  });

  it('refuses a call Python would refuse: more positional args than keys, a key given twice', () => {
    const codec = createCeleryCodec({ tasks });
    const base = incoming(msg('positional'));
    const call = (args: unknown[], kwargs = {}) => {
      const r = codec.decode({ ...base, content: Buffer.from(JSON.stringify([args, kwargs, {}])) });
      return r.ok ? r.job.input : r.reason;
    };
    expect(call([1, 2, 3])).toBe('demo.add takes 2 positional arguments (a, b) but 3 were given');
    expect(call([1], { a: 5, b: 2 })).toBe("demo.add got multiple values for argument 'a'");
    expect(call([1], { b: 2 })).toEqual({ a: 1, b: 2 });
  });

  it('binds positional args through zod wrappers of an object schema (transform, pipe, default)', () => {
    const shape = { a: z.number(), b: z.number() };
    for (const input of [
      z.object(shape).transform(({ a, b }) => ({ sum: a + b })),
      z.object(shape).pipe(z.object(shape)),
      z.object(shape).default({ a: 0, b: 0 }),
      z.object(shape).readonly().optional(),
    ]) {
      const t = defineTask({ name: 'demo.add', queue: 'celery', input, handler: () => 0 });
      const r = createCeleryCodec({ tasks: new Map([[t.name, t]]) }).decode(incoming(msg('positional')));
      expect(r.ok && r.job.input).toEqual({ a: 2, b: 3 });
    }
  });

  it('drops a traceparent header that is not one (a tracing header never makes a task poison)', () => {
    const base = incoming(msg('positional'));
    const headers = { ...base.properties.headers, traceparent: 'not-a-traceparent' };
    const r = celeryCodec.decode({ ...base, properties: { ...base.properties, headers } });
    expect(r.ok).toBe(true);
    expect(r.ok && r.job.traceparent).toBeUndefined();
  });

  it('carries a tracestate header with its traceparent, both ways; an invalid one is dropped', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const base = incoming(msg('positional'));
    const withHeaders = (extra: Record<string, unknown>) => ({
      ...base,
      properties: { ...base.properties, headers: { ...base.properties.headers, ...extra } },
    });
    const r = celeryCodec.decode(withHeaders({ traceparent, tracestate: 'dd=s:1 ,congo=t61' }));
    expect(r.ok && r.job.tracestate).toBe('dd=s:1,congo=t61');
    if (!r.ok) throw new Error(r.reason);
    expect(celeryCodec.encode(r.job).properties.headers?.tracestate).toBe('dd=s:1,congo=t61');
    const bad = celeryCodec.decode(withHeaders({ traceparent, tracestate: 'Not Valid' }));
    expect(bad.ok && bad.job.tracestate).toBeUndefined();
    const alone = celeryCodec.decode(withHeaders({ tracestate: 'dd=s:1' }));
    expect(alone.ok && alone.job.tracestate).toBeUndefined();
  });

  it("reads a per-call timelimit [hard, soft] as the job's timeoutMs when shorter than the task's", () => {
    const base = incoming(msg('positional'));
    const withLimit = (timelimit: unknown) => ({
      ...base,
      properties: { ...base.properties, headers: { ...base.properties.headers, timelimit } },
    });
    const timeoutOf = (codec: typeof celeryCodec, timelimit: unknown) => {
      const r = codec.decode(withLimit(timelimit));
      return r.ok ? r.job.timeoutMs : 'refused';
    };
    expect(timeoutOf(celeryCodec, [1, null])).toBe(1000);
    expect(timeoutOf(celeryCodec, [10, 2.5])).toBe(2500);
    expect(timeoutOf(celeryCodec, [null, null])).toBeUndefined();
    expect(timeoutOf(celeryCodec, 'soon')).toBeUndefined();
    const known = createCeleryCodec({ tasks });
    expect(timeoutOf(known, [120, null])).toBeUndefined(); // the task's own 60 s is shorter
    expect(timeoutOf(known, [5, null])).toBe(5000);
    const out = celeryCodec.encode(makeJob({ timeoutMs: 1500 }));
    expect(out.properties.headers?.timelimit).toEqual([2, null]);
  });

  it('maps kwargs-only calls to a plain object', () => {
    const r = celeryCodec.decode(incoming(msg('kwargs-only')));
    expect(r.ok && r.job.input).toEqual({ a: 6, b: 7 });
    expect(r.ok && r.job.task).toBe('py.mul');
  });

  it('reads utf-8 JSON with mixed args and kwargs', () => {
    const r = celeryCodec.decode(incoming(msg('mixed-unicode')));
    expect(r.ok && r.job.input).toEqual({
      args: ['héllo ☃', null, 1.5],
      kwargs: { flag: true, nested: { x: [1, 2] } },
    });
  });

  it('turns countdown/eta into notBefore, expires into expiresAt, keeps priority', () => {
    const c = msg('countdown-expires');
    const r = celeryCodec.decode(incoming(c));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.job.notBefore).toBe(new Date(c.headers.eta as string).toISOString());
    expect(r.job.expiresAt).toBe(new Date(c.headers.expires as string).toISOString());
    expect(r.job.priority).toBe(5);
  });

  it('turns retries into the attempt number', () => {
    const r = celeryCodec.decode(incoming(msg('eta-retried')));
    expect(r).toMatchObject({ ok: true, attempt: 3 });
    expect(r.ok && r.job.attempt).toBe(3);
    expect(r.ok && r.job.notBefore).toBe('2030-01-02T03:04:05.678Z');
  });

  it('refuses what it cannot read, with a reason', () => {
    const base = incoming(msg('positional'));
    const cases: [IncomingMessage, RegExp][] = [
      [
        { ...base, properties: { ...base.properties, contentType: 'application/x-python-serialize' } },
        /task_serializer/,
      ],
      [{ ...base, content: Buffer.from('[[1], {}') }, /not JSON/],
      [
        { ...base, content: Buffer.from(`[[${'['.repeat(2000)}${']'.repeat(2000)}], {}, {}]`) },
        /nest deeper/,
      ],
      [{ ...base, content: Buffer.from('{"args": []}') }, /triple/],
      [
        { ...base, content: Buffer.from('[[9223372036854775807], {}, {}]') },
        /integer 9223372036854775807 .*2\^53/,
      ],
      [
        {
          content: Buffer.from('{"task": "t", "id": "x", "args": []}'),
          properties: { ...base.properties, headers: {} },
        },
        /protocol v1/,
      ],
      [
        { ...base, properties: { ...base.properties, headers: { ...base.properties.headers, id: '' } } },
        /empty task id/,
      ],
      [
        {
          ...base,
          properties: { ...base.properties, headers: { ...base.properties.headers, id: 'x'.repeat(242) } },
        },
        /task id longer than 241/,
      ],
      [
        { ...base, properties: { ...base.properties, headers: { ...base.properties.headers, eta: 'soon' } } },
        /eta/,
      ],
      [
        { ...base, properties: { ...base.properties, headers: { ...base.properties.headers, task: 'a b' } } },
        /task/,
      ],
      [
        {
          ...base,
          properties: {
            ...base.properties,
            headers: { ...base.properties.headers, compression: 'application/x-gzip' },
          },
        },
        /compressed/,
      ],
    ];
    for (const [m, why] of cases) {
      const r = celeryCodec.decode(m);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(why);
    }
  });

  it('tells onRefused of a refused message that names a task id (header, or v1 correlation id), nothing else', () => {
    const base = incoming(msg('positional'));
    const refused: unknown[] = [];
    const codec = createCeleryCodec({ tasks, queue: 'celery', onRefused: (r) => refused.push(r) });
    const custom = { ...base.properties.headers, id: 'order-123' };
    const pickle = 'application/x-python-serialize';
    const r = codec.decode({
      ...base,
      properties: { ...base.properties, contentType: pickle, headers: custom },
    });
    expect(r.ok).toBe(false);
    expect(refused).toEqual([
      { taskId: 'order-123', task: 'demo.add', queue: 'celery', reason: !r.ok && r.reason },
    ]);
    expect(codec.decode(base).ok).toBe(true);
    const noId = { ...base.properties.headers, id: undefined };
    const bare = { ...base.properties, headers: noId, correlationId: undefined };
    expect(codec.decode({ ...base, properties: bare }).ok).toBe(false);
    expect(refused).toHaveLength(1);
    // Protocol 1: no id header; Celery sets the correlation id to the task id (the body's `id`).
    const v1 = codec.decode({
      content: Buffer.from('{"task": "demo.add", "id": "v1-task", "args": [2, 3], "kwargs": {}}'),
      properties: { ...base.properties, headers: {}, correlationId: 'v1-task' },
    });
    expect(v1.ok).toBe(false);
    expect(refused[1]).toEqual({
      taskId: 'v1-task',
      task: undefined,
      queue: 'celery',
      reason: 'Celery protocol v1 is not supported (use task_protocol 2)',
    });
  });

  it('refuses canvas (chain, link, link_error, chord) naming it, with the ids the client may wait on', () => {
    const base = incoming(msg('positional'));
    const sig = (args: unknown[], taskId?: string) => ({
      task: 'demo.add',
      args,
      kwargs: {},
      options: taskId ? { task_id: taskId, reply_to: 'r' } : {},
      subtask_type: null,
      immutable: false,
    });
    const none = { callbacks: null, errbacks: null, chain: null, chord: null };
    // As Celery 5.2 sends chain(add(2, 3), add(4), add(5)) and chord([...], add(100)): ids frozen.
    const cases: [Record<string, unknown>, RegExp, string[]][] = [
      [{ chain: [sig([5], 'c3'), sig([4], 'c2')] }, /a chain \(2 more tasks\)/, ['c3', 'c2']],
      [{ callbacks: [sig([10])] }, /link callbacks/, []],
      [{ errbacks: [sig([0, 0])] }, /link_error errbacks/, []],
      [{ chord: sig([100], 'cb') }, /a chord callback/, ['cb']],
    ];
    for (const [embed, why, also] of cases) {
      const refused: { alsoTaskIds?: string[] }[] = [];
      const codec = createCeleryCodec({ tasks, onRefused: (r) => refused.push(r) });
      const content = Buffer.from(JSON.stringify([[2, 3], {}, { ...none, ...embed }]));
      const r = codec.decode({ ...base, content });
      expect(r).toEqual({ ok: false, reason: expect.stringMatching(why) });
      expect(refused[0]?.alsoTaskIds ?? []).toEqual(also);
    }
    const group = { ...base, content: Buffer.from(JSON.stringify([[2, 3], {}, none])) };
    expect(createCeleryCodec({ tasks }).decode(group).ok).toBe(true);
  });

  it('a throwing or rejecting onRefused does not change the refusal', async () => {
    const base = incoming(msg('positional'));
    const m = {
      ...base,
      properties: { ...base.properties, headers: { ...base.properties.headers, eta: 'soon' } },
    };
    for (const onRefused of [
      () => {
        throw new Error('sync');
      },
      () => Promise.reject(new Error('async')),
    ]) {
      const r = createCeleryCodec({ onRefused }).decode(m);
      expect(r).toEqual({
        ok: false,
        reason: expect.stringMatching(/^eta header "soon"/),
      });
    }
    await new Promise((r) => setTimeout(r, 10)); // an unhandled rejection would fail the run
  });
});

describe('celery codec: encoding warren jobs as Celery sends them', () => {
  it('writes the headers, properties and body layout of a real Celery message', () => {
    const c = msg('positional');
    const job = makeJob({ task: 'demo.add', input: { args: [2, 3] } });
    const out = celeryCodec.encode(job);
    const h = out.properties.headers as Record<string, unknown>;
    // Same header set as Celery 5.2, plus warren's own extras.
    expect(Object.keys(h).sort()).toEqual([...Object.keys(c.headers), WARREN_HEADER].sort());
    expect(h).toMatchObject({
      lang: 'py',
      task: 'demo.add',
      id: job.id,
      root_id: job.id,
      parent_id: null,
      retries: 0,
      eta: null,
      expires: null,
      timelimit: [null, null],
      argsrepr: c.headers.argsrepr,
      kwargsrepr: c.headers.kwargsrepr,
      ignore_result: false,
    });
    expect(out.properties).toMatchObject({
      contentType: c.properties.content_type,
      contentEncoding: c.properties.content_encoding,
      correlationId: job.id,
      deliveryMode: 2,
      priority: 0,
    });
    const real = JSON.parse(Buffer.from(c.body_base64, 'base64').toString('utf8'));
    expect(JSON.parse(out.content.toString('utf8'))).toEqual(real);
  });

  it('sends a plain object as kwargs with a Python kwargsrepr', () => {
    const c = msg('kwargs-only');
    const out = celeryCodec.encode(makeJob({ task: 'py.mul', input: { a: 6, b: 7 } }));
    const body = JSON.parse(out.content.toString('utf8'));
    expect(body).toEqual(JSON.parse(Buffer.from(c.body_base64, 'base64').toString('utf8')));
    expect(out.properties.headers?.kwargsrepr).toBe(c.headers.kwargsrepr);
    expect(out.properties.headers?.argsrepr).toBe('()');
    const mixed = msg('mixed-unicode');
    const out2 = celeryCodec.encode(makeJob({ input: { flag: true, nested: { x: [1, 2] } } }));
    expect(out2.properties.headers?.kwargsrepr).toBe(mixed.headers.kwargsrepr);
  });

  it('maps attempt, notBefore, expiresAt, priority and the task time limit', () => {
    const job = makeJob({
      attempt: 3,
      notBefore: '2030-01-02T03:04:05.678Z',
      expiresAt: '2030-01-03T00:00:00.000Z',
      priority: 7,
    });
    const limited = defineTask({ name: 'demo.add', input: z.any(), timeoutMs: 20_500, handler: () => 1 });
    const out = createCeleryCodec({ tasks: new Map([['demo.add', limited]]) }).encode(job);
    expect(out.properties.headers).toMatchObject({
      retries: 2,
      // Python isoformat with microseconds: Celery 5.2 reads `.678` as 678 µs otherwise.
      eta: '2030-01-02T03:04:05.678000+00:00',
      expires: '2030-01-03T00:00:00.000000+00:00',
      timelimit: [21, null],
    });
    expect(out.properties.priority).toBe(7);
  });

  it("sends no time limit for a task that set no timeoutMs (warren's default is not the Python task's)", () => {
    const out = createCeleryCodec({ tasks }).encode(makeJob({}));
    expect(out.properties.headers).toMatchObject({ timelimit: [null, null] });
    expect(add.timeoutMs).toBe(60_000); // warren's own executor still applies its default
  });

  it('writes dates exactly as Celery does (its parser reads the fraction as microseconds)', () => {
    const c = msg('eta-retried');
    const out = celeryCodec.encode(makeJob({ notBefore: '2030-01-02T03:04:05.678Z' }));
    expect(out.properties.headers?.eta).toBe(c.headers.eta);
  });

  it('round-trips a warren job through the Celery format unchanged', () => {
    const inputs = [{ a: 1, b: 2 }, { args: [1, 'x'], kwargs: { k: null } }, { s: 'é☃"\'' }];
    // With a task registry, explicit {args, kwargs} is bound to the task's keys (documented).
    const cases = [
      ...inputs.map((input) => [celeryCodec, input] as const),
      [createCeleryCodec({ tasks }), { a: 1, b: 2 }] as const,
    ];
    for (const [codec, input] of cases) {
      const job = makeJob({
        queue: 'celery',
        input,
        attempt: 2,
        notBefore: '2031-05-06T07:08:09.010Z',
        idempotencyKey: 'k-1',
        hops: ['eu'],
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      const { content, properties } = codec.encode(job);
      const r = codec.decode({ content, properties: properties as MessageProperties });
      expect(r).toEqual({ ok: true, job, attempt: 2 });
    }
  });
});

describe('celery codec: inputs that are not keywords', () => {
  const t = (name: string, input: z.ZodType) =>
    defineTask({ name, queue: 'celery', input, handler: () => 1 });
  const registry = new Map(
    [
      t('n', z.number()),
      t('arr', z.array(z.number())),
      t('cmd', z.object({ args: z.array(z.string()) })),
      t('any', z.any()),
    ].map((x) => [x.name, x] as const),
  );
  it('gives a warren job its value or array input back, and keeps an `args` key of the task as keywords', () => {
    const codec = createCeleryCodec({ tasks: registry });
    const cases: [string, unknown, unknown][] = [
      ['n', 5, [[5], {}]],
      ['arr', [1, 2], [[1, 2], {}]],
      ['arr', [[1, 2]], [[[1, 2]], {}]],
      ['any', 'x', [['x'], {}]],
      ['cmd', { args: ['ls'] }, [[], { args: ['ls'] }]],
      ['any', { args: ['ls'], kwargs: { a: 1 } }, [['ls'], { a: 1 }]], // no `args` key declared: explicit
    ];
    for (const [task, input, wire] of cases) {
      const job = makeJob({ queue: 'celery', task, input });
      const { content, properties } = codec.encode(job);
      expect(JSON.parse(content.toString()).slice(0, 2), `${task} ${JSON.stringify(input)}`).toEqual(wire);
      // Decoded by warren with or without the task registry: the input as it was sent.
      for (const decoder of [codec, celeryCodec]) {
        const r = decoder.decode({ content, properties: properties as MessageProperties });
        expect(r.ok && r.job.input, `${task} ${JSON.stringify(input)}`).toEqual(input);
      }
    }
  });
});

describe('celeryCodecsFor', () => {
  it('gives one codec per celery-protocol queue, decoding into that queue', () => {
    const config = defineConfig({
      tasks: [add],
      queues: {
        celery: { type: 'classic', protocol: 'celery' },
        python: { type: 'classic', protocol: 'celery' },
      },
    });
    const codecs = celeryCodecsFor(config);
    expect(Object.keys(codecs).sort()).toEqual(['celery', 'python']);
    const r = codecs.celery?.decode(incoming(msg('positional')));
    expect(r?.ok && r.job).toMatchObject({ queue: 'celery', input: { a: 2, b: 3 } });
  });
});
