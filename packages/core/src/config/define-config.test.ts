import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineTask } from '../task/define-task';
import { type ConfigInput, defineConfig } from './define-config';

const task = defineTask({ name: 'h56.t', queue: 'work', input: z.unknown() });
// Configs are loaded through tsx, which strips types: a misspelt key reaches defineConfig as is.
const define = (input: Record<string, unknown>) => () =>
  defineConfig({ tasks: [task], ...input } as ConfigInput);

describe('defineConfig: unknown keys', () => {
  it.each([
    ['queus', { queus: { work: { type: 'classic' } } }],
    ['queues.work.maxLenght', { queues: { work: { maxLenght: 5 } } }],
    ['queues.work.lambda.batchSzie', { queues: { work: { lambda: { batchSzie: 5 } } } }],
    ['worker.concurency', { worker: { concurency: 4 } }],
    ['ingest.corsOrigin', { ingest: { corsOrigin: ['*'] } }],
    ['results.ttl', { results: { ttl: 60 } }],
    ['auth.key', { auth: { key: [] } }],
    ['auth.keys.0.task', { auth: { keys: [{ key: 'k'.repeat(16), task: ['a.*'] }] } }],
    [
      'regions.0.broker',
      { regions: [{ id: 'eu', location: { lat: 1, lon: 2 }, broker: ['amqp://h'] }], region: 'eu' },
    ],
    [
      'regions.0.location.lng',
      { regions: [{ id: 'eu', location: { lat: 1, lon: 2, lng: 2 } }], region: 'eu' },
    ],
  ])('refuses %s, naming its path', (path, input) => {
    expect(define(input)).toThrow(`  ${path}: unknown field`);
  });

  it('still takes every documented key', () => {
    const cfg = define({
      region: 'eu',
      regions: [
        {
          id: 'eu',
          location: { lat: 53.3, lon: -6.3 },
          brokers: ['amqp://h'],
          sqs: { queueUrlPrefix: 'https://sqs.eu-west-1.amazonaws.com/1/', awsRegion: 'eu-west-1' },
          weight: 1,
          awsRegion: 'eu-west-1',
          amazonMq: {
            deploymentMode: 'single',
            instanceType: 'mq.t3.micro',
            engineVersion: '3.13',
            publiclyAccessible: true,
          },
        },
      ],
      queues: {
        work: {
          type: 'classic',
          maxLength: 10,
          messageTtlMs: 1000,
          maxPriority: 5,
          homeRegion: 'eu',
          sqs: { fifo: false },
          protocol: 'warren',
          lambda: { consumer: 'sqs', batchSize: 10, batchingWindowS: 1, memoryMb: 256 },
        },
      },
      results: { ttlS: 60 },
      auth: { keys: [{ key: 'k'.repeat(16), name: 'ci', tasks: ['h56.*'] }] },
      ingest: { bodyLimitBytes: 1024, publishTimeoutMs: 100, corsOrigins: ['*'] },
      worker: { concurrency: 2, queues: ['work'], shutdownTimeoutMs: 100 },
    })();
    expect(cfg.queues.work?.maxLength).toBe(10);
  });
});

describe('defineConfig: worker.queues', () => {
  it('refuses a queue the config does not have (a worker consumed the empty typo in silence)', () => {
    expect(define({ worker: { queues: ['wrok'] } })).toThrow(
      'invalid warren config: worker.queues: "wrok" is not a queue of this config (work, default): declare it under queues, or fix the name',
    );
  });

  it('takes the queues of tasks, of queues and default', () => {
    const cfg = define({ queues: { extra: {} }, worker: { queues: ['work', 'extra', 'default'] } })();
    expect(cfg.worker.queues).toEqual(['work', 'extra', 'default']);
  });
});

describe('defineConfig: Celery queues and SQS', () => {
  it('refuses a Celery-protocol queue bridged into SQS (every job was dead-lettered unrun there)', () => {
    expect(define({ queues: { work: { protocol: 'celery', sqs: true } } })).toThrow(
      /queues\.work: protocol "celery" cannot be bridged into SQS/,
    );
    expect(define({ queues: { work: { protocol: 'celery', sqs: { fifo: true } } } })).toThrow(/celery/);
  });

  it('still takes a Celery queue without sqs, and sqs: false', () => {
    expect(define({ queues: { work: { protocol: 'celery', sqs: false } } })().queues.work?.protocol).toBe(
      'celery',
    );
  });
});

describe('defineConfig: ingest.corsOrigins', () => {
  // The browser's Origin header is matched exactly: these never matched, so CORS stayed off in silence.
  it.each([
    'https://app.example.com/',
    'app.example.com',
    'https://app.example.com/path',
    'HTTPS://App.example.com',
  ])('refuses %s, which is not an origin as browsers send it', (origin) => {
    expect(define({ ingest: { corsOrigins: [origin] } })).toThrow(
      /ingest\.corsOrigins\.0: must be '\*' or an origin such as https:\/\/app\.example\.com/,
    );
  });

  it.each(['*', 'https://app.example.com', 'http://localhost:5173'])('takes %s', (origin) => {
    expect(define({ ingest: { corsOrigins: [origin] } })().ingest.corsOrigins).toEqual([origin]);
  });
});

describe('defineConfig: timeouts a timer can hold', () => {
  // setTimeout runs anything past 2^31 - 1 ms after 1 ms: a SIGTERM cut the jobs at once (exit 1),
  // every confirm timed out at once.
  it.each([
    ['worker.shutdownTimeoutMs', { worker: { shutdownTimeoutMs: 3_000_000_000 } }],
    ['worker.leaseMarginMs', { worker: { leaseMarginMs: 3_000_000_000 } }],
    ['ingest.publishTimeoutMs', { ingest: { publishTimeoutMs: 3_000_000_000 } }],
  ])('refuses %s past a day', (path, input) => {
    expect(define(input)).toThrow(`  ${path}: Too big`);
  });

  it('worker.leaseMarginMs: 30 s unless set, at least 1 s', () => {
    expect(define({})().worker.leaseMarginMs).toBe(30_000);
    expect(define({ worker: { leaseMarginMs: 2000 } })().worker.leaseMarginMs).toBe(2000);
    expect(define({ worker: { leaseMarginMs: 500 } })).toThrow('  worker.leaseMarginMs: Too small');
  });

  it('takes a day', () => {
    const cfg = define({
      worker: { shutdownTimeoutMs: 86_400_000 },
      ingest: { publishTimeoutMs: 86_400_000 },
    })();
    expect([cfg.worker.shutdownTimeoutMs, cfg.ingest.publishTimeoutMs]).toEqual([86_400_000, 86_400_000]);
  });
});

describe('defineConfig: tasks', () => {
  // An import that resolved to nothing (a misspelt name off a namespace import) failed as
  // "Cannot read properties of undefined (reading 'name')".
  it.each([
    ['undefined', undefined],
    ['a plain object', { name: 'x' }],
  ])('names an entry that is not a task (%s)', (_what, entry) => {
    expect(() => defineConfig({ tasks: [task, entry] } as unknown as ConfigInput)).toThrow(
      'invalid warren config: tasks.1 is not a task (make it with defineTask)',
    );
  });

  it('refuses tasks that is not a list', () => {
    expect(() => defineConfig({ tasks: task } as unknown as ConfigInput)).toThrow(
      'invalid warren config: tasks must be a list of tasks (defineTask)',
    );
  });
});

describe('defineConfig: API keys', () => {
  it('refuses a key listed twice (only the first was matched), without printing it', () => {
    const k = 'dup-0123456789abcdef';
    const run = define({ auth: { keys: [{ key: k }, { key: k, tasks: ['a.*'] }] } });
    expect(run).toThrow('auth.keys.1: repeats the key of auth.keys.0');
    expect(run).not.toThrow(k);
  });
  it('refuses a key no Authorization: Bearer header can carry (whitespace, control characters, non-ASCII)', () => {
    for (const key of [
      'with space 0123456789',
      'tab\there-0123456789',
      'nul\u0000-0123456789',
      'clé-0123456789abcdef',
    ])
      expect(define({ auth: { keys: [{ key }] } })).toThrow(/auth\.keys\.0\.key: .*printable ASCII/);
    expect(define({ auth: { keys: [{ key: 'comma,semi;colon:0123456789' }] } })).not.toThrow();
  });
});

describe('defineConfig: queue names that are Object.prototype members', () => {
  it('a task on queue "constructor" gets its queue, and an unconfigured "toString" is no queue', () => {
    const t = defineTask({ name: 'h56.c', queue: 'constructor', input: z.unknown() });
    const config = defineConfig({ tasks: [t] });
    // `queues[t.queue] ??=` found the inherited Object.prototype.constructor: the queue was left out.
    expect(config.queues.constructor).toMatchObject({ type: expect.any(String) });
    expect(Object.keys(config.queues)).toContain('constructor');
    expect(config.queues.toString).toBeUndefined();
  });

  it('worker.queues naming an unconfigured "valueOf" is refused', () => {
    expect(() => defineConfig({ tasks: [task], worker: { queues: ['valueOf'] } })).toThrow(
      /worker\.queues: "valueOf" is not a queue/,
    );
  });
});
