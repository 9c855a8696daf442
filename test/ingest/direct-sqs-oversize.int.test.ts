import { defineConfig, defineTask, type Publisher, uuidv7 } from '@warren/core';
import { createRedisResultStore } from '@warren/results';
import { WarrenHttpError } from '@warren/sdk';
import { createDirectClient } from '@warren/sdk/direct';
import { createSqsPublisher } from '@warren/sqs';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { localSqsForRun } from '../support/local-sqs-run';

/**
 * The SQS publisher (a Publisher like any, for the direct client) refuses a job over SQS's
 * 256 KiB before sending it. It refused it as a 503 with Retry-After, a passing outage, so the
 * direct client tried the same job 4 times and then failed with 'broker unavailable'. Real
 * local-aws-sqs and Redis (:6379).
 */
const RUN = `dso-${uuidv7().slice(-8)}`;
const REDIS_URL = 'redis://127.0.0.1:6379';
const echo = defineTask({ name: 'dso.echo', queue: RUN, input: z.unknown(), handler: (x) => x });
const config = defineConfig({ queues: { [RUN]: {} }, tasks: [echo] });

const local = localSqsForRun(RUN, REDIS_URL);

it('a job over SQS size is a 413 naming it, tried once; a small one is sent', async () => {
  const q = await local.sqs.createQueue(RUN);
  const sqsPublisher = createSqsPublisher({ client: local.sqs.client, queueUrls: { [RUN]: q.url } });
  let publishes = 0;
  const publisher: Publisher = {
    publish: (queue, job, opts) => {
      publishes++;
      return sqsPublisher.publish(queue, job, opts);
    },
    close: () => sqsPublisher.close(),
  };
  const results = createRedisResultStore({ redis: REDIS_URL, prefix: `${RUN}:` });
  const direct = createDirectClient({
    config,
    publishers: new Map([['local', publisher]]),
    results,
    bodyLimitBytes: 1024 * 1024,
  });
  try {
    const err = await direct.enqueue(echo, 'x'.repeat(300_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WarrenHttpError);
    expect((err as WarrenHttpError).status).toBe(413);
    expect((err as Error).message).toMatch(/bytes; SQS takes at most 262144/);
    expect(publishes).toBe(1);
    expect((await direct.enqueue(echo, 'small')).state).toBe('queued');
    expect(await local.sqs.receive(q.url, 1)).toHaveLength(1);
  } finally {
    await publisher.close();
    await results.close();
  }
}, 30_000);
