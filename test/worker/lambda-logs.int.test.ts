import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAmqpBroker } from '@warren/amqp';
import { uuidv7 } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createRedisResultStore } from '@warren/results';
import { createSqsPublisher } from '@warren/sqs';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltFunction, buildFunction, FUNCTIONS_SRC, ROOT } from '../../scripts/build-functions';
import { freshQueue, publishMany } from '../forwarder/support';
import { takeAsRmqEvent } from './support/rmq-event-source';
import { pollOnce } from './support/sqs-event-source';

// The Lambda entries logged with console.error (raw, credentials and all) and their jobs not at
// all; `warren worker` writes pino JSON lines with job bindings, trace id and redaction. Each case
// runs the bundled entry (as deployed) in a fresh Node process on a real-shaped event and reads
// what it wrote: stdout and stderr are what CloudWatch ingests.

const PORT = 26640;
const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS = 'redis://127.0.0.1:6379';
const RUN = `wll-${uuidv7().slice(-8)}`;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
// fetch refuses a URL with credentials, naming the whole URL in its error.
const STORE_WITH_PASSWORD = {
  UPSTASH_REDIS_REST_URL: 'http://bob:s3cret-pw@127.0.0.1:1',
  UPSTASH_REDIS_REST_TOKEN: 't',
};
mkdirSync(join(ROOT, '.build'), { recursive: true });
const outDir = mkdtempSync(join(ROOT, '.build/test-logs-'));
const results = createRedisResultStore({ redis: REDIS, prefix: `${RUN}:` });
const built = new Map<string, Promise<BuiltFunction>>();
const bundle = (name: string) => {
  let p = built.get(name);
  if (!p) {
    p = buildFunction(join(FUNCTIONS_SRC, `${name}.ts`), outDir);
    built.set(name, p);
  }
  return p;
};
let sqs: LocalSqs;

interface Invocation {
  out: { ok?: unknown; error?: string };
  /** stdout + stderr, everything the function printed. */
  text: string;
  /** The JSON lines among them. */
  lines: Record<string, unknown>[];
}

/** Runs the bundle's `handler` on `events` (one invocation each, one warm process) with only `env`. */
async function invoke(name: string, events: unknown[], env: Record<string, string>): Promise<Invocation> {
  const b = await bundle(name);
  const script = `
    const { handler } = await import(${JSON.stringify(b.file)});
    const outs = [];
    for (const ev of JSON.parse(process.env.EVENTS))
      outs.push(await handler(ev, { awsRequestId: 'r', getRemainingTimeInMillis: () => Number(process.env.REMAINING_MS ?? 30000) })
        .then((r) => ({ ok: r ?? null }), (e) => ({ error: String(e) })));
    await new Promise((r) => setTimeout(r, 100));
    process.stdout.write('RESULT ' + JSON.stringify(outs.at(-1)) + '\\n', () => process.exit(0));`;
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    {
      cwd: outDir,
      timeout: 60_000,
      env: { PATH: process.env.PATH, EVENTS: JSON.stringify(events), WARREN_REDIS_PREFIX: `${RUN}:`, ...env },
    },
  );
  const all = stdout.split('\n');
  const result = all.find((l) => l.startsWith('RESULT '));
  const lines = all.flatMap((l) => {
    if (!l.startsWith('{')) return [];
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  return { out: result ? JSON.parse(result.slice(7)) : {}, text: stdout + stderr, lines };
}

const SQS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
};

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  rmSync(outDir, { recursive: true, force: true });
  await results.close();
  await sqs?.close();
});

describe('Lambda entry bundles log JSON lines with job bindings and redaction', () => {
  it('sqs-worker: each job its started/outcome lines with jobId, task, queue, attempt and the traceparent trace id', async () => {
    const q = await sqs.createQueue(`${RUN}-q`);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { default: q.url } });
    const ok = makeJob({ task: 'demo.add', input: { a: 1, b: 2 }, traceparent: TRACEPARENT });
    const fail = makeJob({ task: 'demo.fail', input: {}, maxAttempts: 3 });
    await pub.publish('default', ok);
    await pub.publish('default', fail);
    let run: Invocation | undefined;
    await pollOnce(sqs, q, async (event) => {
      run = await invoke('sqs-worker', [event], {
        ...SQS_ENV,
        REDIS_URL: REDIS,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      });
      return run.out.ok as never;
    });
    await pub.close();
    expect(run?.out).toHaveProperty('ok');
    const of = (id: string) => run!.lines.filter((l) => l.jobId === id);
    expect(of(ok.id).map((l) => l.msg)).toEqual(['job started', 'job succeeded']);
    for (const l of of(ok.id))
      expect(l).toMatchObject({
        task: 'demo.add',
        queue: 'default',
        attempt: 1,
        traceId: TRACE_ID,
        level: 'info',
      });
    expect(of(fail.id).map((l) => l.msg)).toEqual(['job started', 'job attempt failed; retrying']);
    expect(of(fail.id)[1]).toMatchObject({ task: 'demo.fail', attempt: 1, level: 'warn' });
    expect(run!.lines.every((l) => l.name === 'warren-sqs-worker')).toBe(true);
  }, 120_000);

  it('sqs-worker: an infrastructure failure is one error line naming the record, the store URL password masked', async () => {
    const q = await sqs.createQueue(`${RUN}-infra`);
    const pub = createSqsPublisher({ client: sqs.client, queueUrls: { default: q.url } });
    const job = makeJob({ task: 'demo.add', input: { a: 1, b: 2 } });
    await pub.publish('default', job);
    let run: Invocation | undefined;
    const r = await pollOnce(sqs, q, async (event) => {
      run = await invoke('sqs-worker', [event], {
        ...SQS_ENV,
        ...STORE_WITH_PASSWORD,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      });
      return run.out.ok as never;
    });
    await pub.close();
    const errors = run!.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      messageId: r!.event.Records[0]!.messageId,
      jobId: job.id,
      task: 'demo.add',
      // The class's own name, as `warren worker` logs it (a minified bundle named it 'Q').
      err: { type: 'TransportError' },
    });
    expect(JSON.stringify(errors[0])).toContain('http://bob:[Redacted]@127.0.0.1:1');
    expect(run!.text).not.toContain('s3cret-pw');
  }, 120_000);

  it('rmq-worker: job lines with jobId, task, queue, attempt and trace id, on a real Amazon MQ-shaped event', async () => {
    const queue = `${RUN}.rmq`;
    const broker = createAmqpBroker({ urls: [AMQP] });
    await broker.connect();
    await broker.ensureQueue(queue);
    const conn = await amqplib.connect(AMQP);
    const ch = await conn.createChannel();
    try {
      const ok = makeJob({ task: 'demo.add', queue, input: { a: 2, b: 3 }, traceparent: TRACEPARENT });
      await broker.publisher.publish(queue, ok);
      const event = await takeAsRmqEvent(ch, queue);
      const run = await invoke('rmq-worker', [event], { REDIS_URL: REDIS, RABBITMQ_URL: AMQP });
      expect(run.out).toEqual({ ok: null });
      const lines = run.lines.filter((l) => l.jobId === ok.id);
      expect(lines.map((l) => l.msg)).toEqual(['job started', 'job succeeded']);
      for (const l of lines)
        expect(l).toMatchObject({ task: 'demo.add', queue, attempt: 1, traceId: TRACE_ID });
      expect((await results.get(ok.id))?.result).toBe(5);
    } finally {
      await ch.deleteQueue(queue).catch(() => {});
      await ch.deleteQueue(`${queue}.dlq`).catch(() => {});
      await conn.close();
      await broker.close();
    }
  }, 120_000);

  it('rmq-worker: an infrastructure failure is an error line naming the message, the store URL password masked there and in what the invocation throws', async () => {
    const queue = `${RUN}.rmq-infra`;
    const broker = createAmqpBroker({ urls: [AMQP] });
    await broker.connect();
    await broker.ensureQueue(queue);
    const conn = await amqplib.connect(AMQP);
    const ch = await conn.createChannel();
    try {
      const job = makeJob({ task: 'demo.add', queue, input: { a: 2, b: 3 } });
      await broker.publisher.publish(queue, job);
      const event = await takeAsRmqEvent(ch, queue);
      const run = await invoke('rmq-worker', [event], { ...STORE_WITH_PASSWORD, RABBITMQ_URL: AMQP });
      const errors = run.lines.filter((l) => l.level === 'error' && l.messageId === job.id);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ queue, task: 'demo.add', err: { type: 'TransportError' } });
      expect(JSON.stringify(errors[0])).toContain('http://bob:[Redacted]@127.0.0.1:1');
      // What the Lambda runtime prints for a failed invocation (errorMessage) is the thrown error.
      expect(run.out.error ?? '').not.toContain('s3cret-pw');
      expect(run.text).not.toContain('s3cret-pw');
    } finally {
      await ch.deleteQueue(queue).catch(() => {});
      await ch.deleteQueue(`${queue}.dlq`).catch(() => {});
      await conn.close();
      await broker.close();
    }
  }, 120_000);

  const key = `logs-test-key-${Math.random().toString(36).slice(2)}xxxxxxxx`;
  // The accepted job goes to the bundled config's `default` queue: in a vhost of this test's own,
  // deleted after it, so nothing is left on the shared broker's queues.
  const vhost = RUN;
  const secret = (value: string) => JSON.stringify({ type: 'sst.sst.Secret', value });
  const ingestEnv = {
    WARREN_REGION: 'local',
    WARREN_REGIONS: JSON.stringify([{ id: 'local', location: { lat: 0, lon: 0 }, brokers: [] }]),
    WARREN_BROKER_SOURCES: JSON.stringify({ local: { kind: 'secret', secret: 'WarrenBrokersLocal' } }),
    SST_RESOURCE_WarrenBrokersLocal: secret(`${AMQP}/${vhost}`),
    SST_RESOURCE_WarrenApiKeys: secret(key),
  };
  const rabbitmqctl = (...args: string[]) =>
    promisify(execFile)('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });
  beforeAll(async () => {
    await rabbitmqctl('add_vhost', vhost);
    await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  }, 60_000);
  afterAll(async () => {
    await rabbitmqctl('delete_vhost', vhost);
  }, 60_000);
  const httpEvent = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'x.lambda-url.eu-west-1.on.aws',
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
      ...headers,
    },
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 't' },
      domainName: 'x.lambda-url.eu-west-1.on.aws',
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      accountId: 'a',
      apiId: 'x',
      domainPrefix: 'x',
      time: '',
      timeEpoch: 0,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  });

  it('ingest: an accepted job is logged with jobId, task, queue, region and the traceparent trace id', async () => {
    const run = await invoke(
      'ingest',
      [
        httpEvent(
          'POST',
          '/v1/jobs',
          { task: 'demo.add', input: { a: 1, b: 1 } },
          { traceparent: TRACEPARENT },
        ),
      ],
      { ...ingestEnv, REDIS_URL: REDIS },
    );
    const res = run.out.ok as { statusCode: number; body: string };
    expect(res.statusCode).toBe(202);
    const id = (JSON.parse(res.body) as { id: string }).id;
    expect(run.lines.find((l) => l.jobId === id)).toMatchObject({
      msg: 'job enqueued',
      task: 'demo.add',
      queue: 'default',
      region: 'local',
      traceId: TRACE_ID,
      name: 'warren-ingest',
    });
  }, 120_000);

  it('ingest: a record write that failed after the publish is one error line with the job, the store URL password masked', async () => {
    const run = await invoke(
      'ingest',
      [httpEvent('POST', '/v1/jobs', { task: 'demo.add', input: { a: 1, b: 1 } })],
      { ...ingestEnv, ...STORE_WITH_PASSWORD },
    );
    const res = run.out.ok as { statusCode: number; body: string };
    expect(res.statusCode).toBe(202); // accepted: the job is on the broker, only its record is missing
    const id = (JSON.parse(res.body) as { id: string }).id;
    const errors = run.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ jobId: id, task: 'demo.add', queue: 'default' });
    expect(JSON.stringify(errors[0])).toContain('http://bob:[Redacted]@127.0.0.1:1');
    expect(run.text).not.toContain('s3cret-pw');
  }, 120_000);

  it('forward-drain: link lines at their level and one line per link with what the run did, as JSON; no broker password printed', async () => {
    const src = `${RUN}.fwd`;
    const stuck = `${RUN}.fwd-stuck`;
    await freshQueue(AMQP, src);
    await freshQueue(AMQP, stuck);
    await publishMany(AMQP, src, 5, 'f');
    const dest = await sqs.createQueue(`${RUN}-fwd`);
    // What EventBridge's schedule hands the function.
    const scheduled = {
      version: '0',
      id: uuidv7(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: new Date().toISOString(),
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/warren-drain'],
      detail: {},
    };
    try {
      const run = await invoke('forward-drain', [scheduled], {
        ...SQS_ENV,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        REMAINING_MS: '7000',
        WARREN_REGION: 'eu',
        WARREN_REGIONS: JSON.stringify([
          { id: 'eu', location: { lat: 0, lon: 0 }, brokers: [AMQP] },
          // Nothing listens there: the link to it restarts until the run ends.
          { id: 'far', location: { lat: 1, lon: 1 }, brokers: ['amqp://bob:s3cret-pw@127.0.0.1:1'] },
        ]),
        WARREN_FORWARD_LINKS: JSON.stringify([
          {
            name: `ok-${RUN}`,
            queue: src,
            from: 'eu',
            to: { kind: 'sqs', queueUrl: dest.url, fifo: false, awsRegion: 'us-east-1' },
          },
          { name: `stuck-${RUN}`, queue: stuck, from: 'eu', to: { kind: 'amqp', region: 'far' } },
        ]),
      });
      expect(run.out).toHaveProperty('ok');
      expect(run.lines.length).toBeGreaterThan(0);
      expect(run.lines.every((l) => l.name === 'warren-forwarder')).toBe(true);
      expect(run.lines).toContainEqual(
        expect.objectContaining({
          level: 'info',
          msg: expect.stringMatching(new RegExp(`^link ok-${RUN}: running`)),
        }),
      );
      expect(run.lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          msg: expect.stringMatching(new RegExp(`^link stuck-${RUN}: .*restarting`)),
        }),
      );
      expect(run.lines).toContainEqual(
        expect.objectContaining({
          msg: 'link drained',
          link: `ok-${RUN}`,
          forwarded: 5,
          deadLettered: 0,
          level: 'info',
        }),
      );
      expect(run.lines).toContainEqual(
        expect.objectContaining({ msg: 'link drained', link: `stuck-${RUN}`, forwarded: 0, level: 'warn' }),
      );
      expect(run.text).not.toContain('s3cret-pw');
    } finally {
      const conn = await amqplib.connect(AMQP);
      const ch = await conn.createChannel();
      await ch.deleteQueue(src).catch(() => {});
      await ch.deleteQueue(stuck).catch(() => {});
      await conn.close();
    }
  }, 120_000);

  it('a start-up that fails (no store configured, a broker that does not answer, a link without brokers) is an error line before the invocation fails', async () => {
    const broker = 'amqp://bob:s3cret-pw@127.0.0.1:1'; // nothing listens there
    const cases: [string, unknown, Record<string, string>, string][] = [
      ['sqs-worker', { Records: [] }, SQS_ENV, 'ConfigError'],
      [
        'rmq-worker',
        { eventSource: 'aws:rmq', eventSourceArn: 'arn:aws:mq:us-east-1:1:broker:b', rmqMessagesByQueue: {} },
        { REDIS_URL: REDIS, RABBITMQ_URL: broker },
        'TransportError',
      ],
      [
        'ingest',
        httpEvent('GET', '/healthz'),
        {
          ...ingestEnv,
          REDIS_URL: REDIS,
          WARREN_REGIONS: JSON.stringify([{ id: 'local', location: { lat: 0, lon: 0 }, brokers: [broker] }]),
          WARREN_BROKER_SOURCES: '{}',
        },
        'TransportError',
      ],
      [
        'forward-drain',
        { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
        {
          WARREN_REGION: 'eu',
          WARREN_REGIONS: JSON.stringify([{ id: 'eu', location: { lat: 0, lon: 0 }, brokers: [] }]),
          WARREN_FORWARD_LINKS: JSON.stringify([
            { name: 'x', queue: 'q', from: 'eu', to: { kind: 'amqp', region: 'eu' } },
          ]),
        },
        'Error',
      ],
    ];
    for (const [name, event, env, type] of cases) {
      const run = await invoke(name, [event], env);
      expect(run.out.error, name).toBeDefined();
      expect(
        run.lines.filter((l) => l.level === 'error'),
        name,
      ).toEqual([
        expect.objectContaining({
          msg: expect.stringMatching(/^start-up failed/),
          err: expect.objectContaining({ type }),
        }),
      ]);
      expect(run.text, name).not.toContain('s3cret-pw');
    }
  }, 120_000);
});
