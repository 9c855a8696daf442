import { uuidv7 } from '@warren/core';
import { afterAll, expect, it } from 'vitest';
import { functionUrlEvent, sstSecret } from './support/function-url-event';
import { bundleRunner, REDIS, SQS_ENV } from './support/invoke-bundle';

// A function that could not start wrote nothing itself: the only trace was the Lambda runtime's
// plain-text dump of the error. Each bundle (as deployed) runs on a real-shaped event.

const RUN = `wls-${uuidv7().slice(-8)}`;
const { invoke, close } = bundleRunner(RUN);
const key = `logs-test-key-${Math.random().toString(36).slice(2)}xxxxxxxx`;
const ingestEnv = { WARREN_REGION: 'local', SST_RESOURCE_WarrenApiKeys: sstSecret(key) };
const httpEvent = (method: string, path: string) => functionUrlEvent(method, path);

afterAll(() => close());

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
