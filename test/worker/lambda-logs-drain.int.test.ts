import { uuidv7 } from '@warren/core';
import { type LocalSqs, startLocalSqs } from '@warren/sqs/testing';
import amqplib from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshQueue, publishMany } from '../forwarder/support';
import { AMQP, bundleRunner, SQS_ENV } from './support/invoke-bundle';

// The drain printed the forwarder's messages with console.log (plain text, one level) and
// nothing of what a run did; `warren forward` logs pino JSON lines at their level.

const PORT = 26641;
const RUN = `wld-${uuidv7().slice(-8)}`;
const { invoke, close } = bundleRunner(RUN);
let sqs: LocalSqs;

beforeAll(async () => {
  sqs = await startLocalSqs(PORT);
});
afterAll(async () => {
  await sqs?.close();
  await close();
});

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
