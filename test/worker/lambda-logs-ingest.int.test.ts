import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { uuidv7 } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionUrlEvent, sstSecret } from './support/function-url-event';
import {
  AMQP,
  bundleRunner,
  REDIS,
  STORE_WITH_PASSWORD,
  TRACE_ID,
  TRACEPARENT,
} from './support/invoke-bundle';

// The Lambda ingest logged no accepted job and printed its errors with console.error, past any
// redaction; `warren ingest` writes pino JSON lines. The bundle (as deployed) runs in a fresh
// Node process on Function URL events, with the linked secrets as SST sets them.

const RUN = `wli-${uuidv7().slice(-8)}`;
const { invoke, close } = bundleRunner(RUN);
const key = `logs-test-key-${Math.random().toString(36).slice(2)}xxxxxxxx`;
// The accepted job goes to the bundled config's `default` queue: in a vhost of this test's own,
// deleted after it, so nothing is left on the shared broker's queues.
const vhost = RUN;
const ingestEnv = {
  WARREN_REGION: 'local',
  WARREN_REGIONS: JSON.stringify([{ id: 'local', location: { lat: 0, lon: 0 }, brokers: [] }]),
  WARREN_BROKER_SOURCES: JSON.stringify({ local: { kind: 'secret', secret: 'WarrenBrokersLocal' } }),
  SST_RESOURCE_WarrenBrokersLocal: sstSecret(`${AMQP}/${vhost}`),
  SST_RESOURCE_WarrenApiKeys: sstSecret(key),
};
const rabbitmqctl = (...args: string[]) =>
  promisify(execFile)('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });
const httpEvent = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  functionUrlEvent(method, path, { body, headers: { authorization: `Bearer ${key}`, ...headers } });

beforeAll(async () => {
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
}, 60_000);
afterAll(async () => {
  await rabbitmqctl('delete_vhost', vhost);
  await close();
}, 60_000);

describe('the Lambda ingest bundle logs JSON lines with job bindings and redaction', () => {
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

  it('ingest: a record write that failed after the publish is one error line with the job, the store secret never printed', async () => {
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
    expect(run.text).not.toContain('s3cret-pw');
  }, 120_000);
});
