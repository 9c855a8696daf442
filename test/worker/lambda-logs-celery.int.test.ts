import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { uuidv7 } from '@warren/core';
import type { RmqEvent, RmqHeaderValue } from '@warren/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTcpProxy } from '../support/tcp-proxy';
import { AMQP, bundleRunner, REDIS, STORE_WITH_PASSWORD } from './support/invoke-bundle';

// A Celery message the Amazon MQ worker refuses gets a FAILURE meta in the result store, so the
// Celery client's AsyncResult.get raises instead of waiting. Each case runs the bundled entry
// (as deployed) in a fresh Node process on Lambda's aws:rmq event shape.

const RUN = `wlc-${uuidv7().slice(-8)}`;
const { invoke, close } = bundleRunner(RUN);
const redis = new Redis(REDIS);
// The refused message is dead-lettered to celery.dlq: in a vhost of this test's own, deleted after.
const vhost = RUN;
const rabbitmqctl = (...args: string[]) =>
  promisify(execFile)('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });

beforeAll(async () => {
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
}, 60_000);
afterAll(async () => {
  await rabbitmqctl('delete_vhost', vhost);
  redis.disconnect();
  await close();
}, 60_000);

interface Captured {
  body_base64: string;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
}
// A message captured from real Celery 5.2, in the aws:rmq event shape (header strings as bytes).
const { messages } = JSON.parse(
  readFileSync(
    new URL('../../packages/amqp/src/codecs/celery/fixtures/messages.json', import.meta.url),
    'utf8',
  ),
) as { messages: Record<string, Captured> };
const asRmqHeader = (v: unknown): RmqHeaderValue =>
  typeof v === 'string' ? { bytes: [...Buffer.from(v, 'utf8')] } : (v as RmqHeaderValue);

/** Lambda's aws:rmq event holding one Celery message with a pickle body (warren speaks JSON only: refused). */
function refusedCeleryEvent(taskId: string): RmqEvent {
  const c = messages.positional!;
  const headers = { ...c.headers, id: taskId, root_id: taskId };
  return {
    eventSource: 'aws:rmq',
    eventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:b:b-1',
    rmqMessagesByQueue: {
      'celery::/': [
        {
          basicProperties: {
            contentType: 'application/x-python-serialize',
            contentEncoding: 'binary',
            correlationId: taskId,
            deliveryMode: 2,
            headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, asRmqHeader(v)])),
          },
          redelivered: false,
          data: c.body_base64,
        },
      ],
    },
  };
}

it('rmq-worker: a refused Celery message has its FAILURE meta written when the invocation returns (Lambda freezes the process then)', async () => {
  const taskId = uuidv7();
  const key = `celery-task-meta-${taskId}`;
  // A store a little far away: the write is still on its way when the handler would return.
  const far = await startTcpProxy(6379, 300);
  try {
    const run = await invoke('rmq-worker', [refusedCeleryEvent(taskId)], {
      REDIS_URL: `redis://127.0.0.1:${far.port}`,
      RABBITMQ_URL: `${AMQP}/${vhost}`,
    });
    expect(run.out).toEqual({ ok: null });
    // Read once the process is gone: a write still in flight at the return never happened.
    const meta = await redis.get(key);
    expect(meta && JSON.parse(meta)).toMatchObject({ status: 'FAILURE', task_id: taskId });
  } finally {
    await far.close();
    await redis.del(key);
  }
}, 120_000);

it('rmq-worker: a refused Celery message whose FAILURE meta cannot be written is an error line, the store secret never printed', async () => {
  const taskId = uuidv7();
  const run = await invoke('rmq-worker', [refusedCeleryEvent(taskId)], {
    ...STORE_WITH_PASSWORD,
    RABBITMQ_URL: `${AMQP}/${vhost}`,
  });
  const errors = run.lines.filter((l) => l.level === 'error');
  expect(errors).toEqual([
    expect.objectContaining({
      taskId,
      queue: 'celery',
      err: expect.objectContaining({ type: 'TransportError' }),
    }),
  ]);
  expect(run.text).not.toContain('s3cret-pw');
}, 120_000);
