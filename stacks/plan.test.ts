import { type ConfigInput, defineConfig, defineTask, regionSchema } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import repoConfig from '../warren.config';
import { ENV, SECRET } from './functions/shared/deploy-env';
import { DeployPlanError, LIMITS, pascal, planDeployment } from './plan';

const task = (
  name: string,
  queue: string,
  o: { timeoutMs?: number; maxAttempts?: number; noHandler?: boolean } = {},
) =>
  defineTask({
    name,
    queue,
    input: z.unknown(),
    timeoutMs: o.timeoutMs,
    retry: { maxAttempts: o.maxAttempts },
    ...(o.noHandler ? {} : { handler: (x: unknown) => x }),
  });

const EU = { id: 'eu-west-1', location: { lat: 53.3, lon: -6.3 } };
const US = { id: 'us', awsRegion: 'us-east-1', location: { lat: 38.9, lon: -77.0 } };

function plan(input: Partial<ConfigInput>) {
  return planDeployment(defineConfig({ tasks: [], regions: [EU], ...input }));
}

function problems(input: Partial<ConfigInput>): string[] {
  try {
    plan(input);
  } catch (err) {
    expect(err).toBeInstanceOf(DeployPlanError);
    return (err as DeployPlanError).problems;
  }
  throw new Error('expected the plan to be rejected');
}

describe('planDeployment: regions', () => {
  it('one region: a provider, a URL ingest with the catalogue, no queues, no forwarder', () => {
    const p = plan({ tasks: [task('a', 'default')] });
    expect(p.regions).toHaveLength(1);
    const r = p.regions[0]!;
    expect(r).toMatchObject({
      id: 'eu-west-1',
      prefix: 'EuWest1',
      awsRegion: 'eu-west-1',
      providerName: 'EuWest1Aws',
    });
    expect(r.ingest).toMatchObject({
      name: 'EuWest1Ingest',
      entry: 'ingest',
      bundle: '.build/functions/ingest',
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      url: true,
    });
    expect(JSON.parse(r.ingest.environment[ENV.regions]!)).toEqual(p.catalogue);
    expect(r.ingest.environment[ENV.region]).toBe('eu-west-1');
    expect(r.sqsQueues).toEqual([]);
    expect(r.rmqWorkers).toEqual([]);
    expect(r.forwarder).toBeUndefined();
  });

  it('AWS region from awsRegion, else sqs.awsRegion, else the id; an id that is no AWS region is refused', () => {
    const p = plan({
      regions: [
        EU,
        US,
        {
          id: 'ap',
          location: { lat: 1, lon: 103 },
          sqs: { queueUrlPrefix: 'https://x.test/', awsRegion: 'ap-southeast-1' },
        },
      ],
    });
    expect(p.regions.map((r) => r.awsRegion)).toEqual(['eu-west-1', 'us-east-1', 'ap-southeast-1']);
    expect(problems({ regions: [{ id: 'moon', location: { lat: 0, lon: 0 } }] })).toEqual([
      'regions[0] (moon): set awsRegion (the id is not an AWS region name)',
    ]);
  });

  it("the repo's own config plans once it has a region (Celery tasks without handlers need no Lambda)", () => {
    expect(() => planDeployment(repoConfig)).toThrow(/regions: list at least one region/);
    const p = planDeployment({ ...repoConfig, regions: [regionSchema.parse(EU)] });
    expect(p.regions[0]!.ingest.name).toBe('EuWest1Ingest');
  });

  it('refuses a config without regions', () => {
    expect(problems({ regions: [] })).toEqual([expect.stringMatching(/^regions: list at least one region/)]);
  });

  it('every ingest gets the same catalogue, with the regions weights and its own region id', () => {
    const p = plan({ regions: [EU, { ...US, weight: 2 }] });
    expect(p.catalogue).toEqual([
      { id: 'eu-west-1', location: EU.location, brokers: [] },
      { id: 'us', location: US.location, brokers: [], weight: 2 },
    ]);
    for (const r of p.regions) {
      expect(JSON.parse(r.ingest.environment[ENV.regions]!)).toEqual(p.catalogue);
      expect(r.ingest.environment[ENV.region]).toBe(r.id);
    }
  });

  it('external brokers come from one secret per region; every ingest links them all plus keys and Upstash', () => {
    const p = plan({ regions: [EU, US] });
    expect(p.regions.map((r) => r.broker)).toEqual([
      { kind: 'secret', secret: 'WarrenBrokersEuWest1' },
      { kind: 'secret', secret: 'WarrenBrokersUs' },
    ]);
    expect(p.secrets.map((s) => s.name)).toEqual([
      SECRET.apiKeys,
      SECRET.upstashUrl,
      SECRET.upstashToken,
      'WarrenBrokersEuWest1',
      'WarrenBrokersUs',
    ]);
    for (const r of p.regions) {
      expect(r.ingest.links).toEqual(
        [
          SECRET.apiKeys,
          SECRET.upstashToken,
          SECRET.upstashUrl,
          'WarrenBrokersEuWest1',
          'WarrenBrokersUs',
        ].sort(),
      );
      expect(JSON.parse(r.ingest.environment[ENV.brokerSources]!)).toEqual({
        'eu-west-1': { kind: 'secret', secret: 'WarrenBrokersEuWest1' },
        us: { kind: 'secret', secret: 'WarrenBrokersUs' },
      });
    }
  });

  it('broker URLs without credentials may stay in the config (and in the catalogue); with a password they are refused', () => {
    const p = plan({ regions: [{ ...EU, brokers: ['amqps://mq.example.com:5671'] }] });
    expect(p.regions[0]!.broker).toEqual({ kind: 'config' });
    expect(p.catalogue[0]!.brokers).toEqual(['amqps://mq.example.com:5671']);
    expect(p.secrets.map((s) => s.name)).not.toContain('WarrenBrokersEuWest1');
    expect(problems({ regions: [{ ...EU, brokers: ['amqps://u:secret@mq.example.com'] }] })).toEqual([
      "regions[0].brokers[0] holds a password: remove the region's brokers from the config and set the secret WarrenBrokersEuWest1 instead",
    ]);
  });

  it('API keys in the config make the keys secret optional (empty placeholder)', () => {
    expect(plan({}).secrets[0]).toEqual(expect.not.objectContaining({ placeholder: expect.anything() }));
    const p = plan({ auth: { keys: [{ key: 'k'.repeat(32) }] } });
    expect(p.secrets[0]).toMatchObject({ name: SECRET.apiKeys, placeholder: '' });
  });

  it('ingest timeout covers the 30 s long-poll, and an enqueue: a publish attempt per region between two store writes', () => {
    expect(plan({}).regions[0]!.ingest.timeoutS).toBe(35);
    const many = plan({ regions: [EU, US], ingest: { publishTimeoutMs: 20_000, bodyLimitBytes: 1024 } });
    // An enqueue claims its idempotency key (a store command, up to its 10 s timeout), publishes
    // (up to 20 s per region, failing over) and writes the record (another 10 s): 60 s. At 45 s
    // Lambda ended it after the broker had confirmed, the client got an error for an accepted job
    // and sent it again.
    expect(many.regions[0]!.ingest.timeoutS).toBeGreaterThanOrEqual(2 * 10 + 2 * 20);
    expect(many.regions[0]!.ingest.timeoutS).toBe(2 * 10 + 2 * 20 + 5);
    const three = plan({ regions: [EU, US, { ...US, id: 'ap', awsRegion: 'ap-south-1' }] });
    expect(three.regions[0]!.ingest.timeoutS).toBeGreaterThanOrEqual(2 * 10 + 3 * 5 + 5);
  });

  it("an enqueue that cannot fit Lambda's 900 s is refused, not cut at 900 s (a duplicate on the client's retry)", () => {
    // 2 regions × 440 s + 2 × 10 s of store commands: 900 s, plus 5 s of slack, is more than Lambda allows.
    expect(
      problems({ regions: [EU, US], ingest: { publishTimeoutMs: 440_000, bodyLimitBytes: 1024 } }),
    ).toEqual([
      "ingest.publishTimeoutMs: 440000 ms per region × 2 regions, plus two result-store commands of up to 10 s, makes an enqueue longer than Lambda's 900 s: the ingest would be ended after the broker confirmed, and the client's retry would enqueue the job twice; lower it to at most 437500",
    ]);
    const fits = plan({ regions: [EU, US], ingest: { publishTimeoutMs: 437_500, bodyLimitBytes: 1024 } });
    expect(fits.regions[0]!.ingest.timeoutS).toBe(900);
  });

  it('a body limit over what a Lambda invocation takes is refused (AWS refuses such a request, never the ingest)', () => {
    expect(problems({ regions: [EU], ingest: { bodyLimitBytes: 8 * 1024 * 1024 } })).toEqual([
      'ingest.bodyLimitBytes: 8388608 bytes, but a Lambda invocation takes at most 6291556 bytes of request event: a larger body is refused by AWS before the ingest runs (no problem+json), so the limit cannot hold; lower it to at most 6275172 (quotes and backslashes in a body count twice in the event, so keep well below)',
    ]);
    expect(plan({ regions: [EU], ingest: { bodyLimitBytes: 6_275_172 } }).regions).toHaveLength(1);
  });

  it('is pure: the same config gives the same plan and is not modified', () => {
    const config = defineConfig({
      tasks: [task('a', 'jobs')],
      regions: [EU, US],
      queues: { jobs: { sqs: true } },
    });
    const before = JSON.stringify({ ...config, tasks: [...config.tasks.keys()] });
    expect(planDeployment(config)).toEqual(planDeployment(config));
    expect(JSON.stringify({ ...config, tasks: [...config.tasks.keys()] })).toBe(before);
  });
});

describe('planDeployment: SQS queues and workers', () => {
  const sqsConfig = (
    lambda?: object,
    sqs: object | boolean = true,
    tasks = [
      task('t.short', 'jobs', { timeoutMs: 20_000, maxAttempts: 2 }),
      task('t.long', 'jobs', { timeoutMs: 120_000, maxAttempts: 5 }),
    ],
  ) => ({
    tasks,
    queues: { jobs: { sqs, ...(lambda ? { lambda } : {}) } },
  });

  it('a queue with sqs gets a queue, a DLQ with redrive, and a worker subscribed with ReportBatchItemFailures', () => {
    const q = plan(sqsConfig()).regions[0]!.sqsQueues;
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({
      queue: 'jobs',
      name: 'EuWest1JobsQueue',
      fifo: false,
      dlq: { name: 'EuWest1JobsQueueDlq', retentionS: 14 * 24 * 3600 },
      batch: { size: 10, windowS: 0, partialResponses: true },
      worker: { name: 'EuWest1JobsSqsWorker', entry: 'sqs-worker', bundle: '.build/functions/sqs-worker' },
    });
  });

  it('maxReceiveCount is the largest maxAttempts of the queue tasks + 1, at least 5 (AWS advice for Lambda)', () => {
    const count = (maxAttempts: number) =>
      plan(sqsConfig(undefined, true, [task('t', 'jobs', { maxAttempts })])).regions[0]!.sqsQueues[0]!
        .maxReceiveCount;
    // One receive after the last attempt: a crash on it is failed by the worker, with why
    // (test/worker/sqs-worker-lost.int.test.ts), not moved to the DLQ unseen by SQS's redrive.
    expect(count(8)).toBe(9);
    expect(count(5)).toBe(6);
    expect(count(1000)).toBe(1000); // SQS's maximum
    // Tasks that do not retry: an invocation that died (timeout, out of memory, throttled) once
    // would have sent its whole batch to the DLQ unrun with maxReceiveCount 1.
    expect(count(1)).toBe(LIMITS.sqsMinReceiveCount);
    expect(LIMITS.sqsMinReceiveCount).toBe(5);
  });

  it('the source queue keeps a message as long as its receives can hide it (SQS drops it at its retention)', () => {
    const q = (maxAttempts: number) =>
      plan(sqsConfig(undefined, true, [task('t', 'jobs', { maxAttempts })])).regions[0]!.sqsQueues[0]!;
    // AWS: a standard queue's messages expire by their first enqueue time (default 4 days), hidden
    // or not. Retries and deferrals hide a message in place up to 12 h per receive: with 10
    // attempts that is up to 108 h, so a job still retrying was deleted unseen after 96 h.
    const ten = q(10);
    expect(ten.maxReceiveCount).toBe(11);
    expect(ten.retentionS).toBeGreaterThanOrEqual(11 * 12 * 3600);
    expect(ten.retentionS).toBeLessThanOrEqual(LIMITS.sqsMaxRetentionS);
    // The AWS default where it suffices (5 receives), so the DLQ keeps longer, as AWS advises.
    expect(q(3).retentionS).toBe(4 * 24 * 3600);
    expect(q(3).dlq.retentionS).toBeGreaterThan(q(3).retentionS);
    // Never past SQS's 14-day maximum.
    expect(q(100).retentionS).toBe(14 * 24 * 3600);
    for (const n of [1, 5, 8, 20, 26, 1000]) {
      const p = q(n);
      expect(p.dlq.retentionS).toBeGreaterThanOrEqual(p.retentionS);
    }
  });

  it('worker timeout = longest task timeout + slack; visibility timeout = 6 × worker timeout + batching window', () => {
    const q = plan(sqsConfig({ batchingWindowS: 20, batchSize: 100 })).regions[0]!.sqsQueues[0]!;
    expect(q.worker.timeoutS).toBe(120 + LIMITS.workerSlackS);
    expect(q.visibilityTimeoutS).toBe(6 * (120 + LIMITS.workerSlackS) + 20);
    expect(q.visibilityTimeoutS).toBeGreaterThanOrEqual(6 * q.worker.timeoutS);
    expect(q.batch).toEqual({ size: 100, windowS: 20, partialResponses: true });
  });

  it('visibility ≥ 6× worker timeout for many task timeouts (property)', () => {
    for (const ms of [1, 999, 1000, 30_000, 61_001, 300_000, 890_000]) {
      const q = plan(sqsConfig(undefined, true, [task('t', 'jobs', { timeoutMs: ms })])).regions[0]!
        .sqsQueues[0]!;
      expect(q.worker.timeoutS * 1000).toBeGreaterThanOrEqual(ms);
      expect(q.worker.timeoutS).toBeLessThanOrEqual(900);
      expect(q.visibilityTimeoutS).toBeGreaterThanOrEqual(6 * q.worker.timeoutS);
      expect(q.visibilityTimeoutS).toBeLessThanOrEqual(LIMITS.sqsMaxVisibilityS);
    }
  });

  it('queues without tasks use the defaults (60 s timeout, 3 attempts, so 5 receives)', () => {
    const q = plan({ queues: { idle: { sqs: true } } }).regions[0]!.sqsQueues.find(
      (s) => s.queue === 'idle',
    )!;
    expect(q.worker.timeoutS).toBe(60 + LIMITS.workerSlackS);
    expect(q.maxReceiveCount).toBe(5);
  });

  it('memory from lambda.memoryMb; FIFO queues are planned as FIFO', () => {
    const q = plan(sqsConfig({ memoryMb: 2048 }, { fifo: true })).regions[0]!.sqsQueues[0]!;
    expect(q.fifo).toBe(true);
    expect(q.worker.memoryMb).toBe(2048);
    // The worker needs no queue URLs: records name their queue, the DLQ comes from the redrive policy.
    expect(q.worker.environment).toEqual({ [ENV.region]: 'eu-west-1' });
  });

  it('the worker links results secrets only and may read/delete its queue and send to its DLQ', () => {
    const w = plan(sqsConfig()).regions[0]!.sqsQueues[0]!.worker;
    expect(w.links).toEqual([SECRET.upstashToken, SECRET.upstashUrl]);
    expect(w.permissions).toEqual([
      expect.objectContaining({
        actions: expect.arrayContaining([
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
        ]),
        resources: ['{ref:EuWest1JobsQueue.arn}'],
      }),
      { actions: ['sqs:SendMessage', 'sqs:GetQueueUrl'], resources: ['{ref:EuWest1JobsQueueDlq.arn}'] },
    ]);
  });

  it('the region drain bridges each SQS-consumed queue from the broker into its SQS queue', () => {
    const r = plan(sqsConfig()).regions[0]!;
    expect(r.forwarder).toMatchObject({ schedule: 'rate(1 minute)', cronName: 'EuWest1ForwardSchedule' });
    expect(JSON.parse(r.forwarder!.drain.environment[ENV.forwardLinks]!)).toEqual([
      {
        name: 'jobs:eu-west-1->sqs',
        queue: 'jobs',
        from: 'eu-west-1',
        to: { kind: 'sqs', queueUrl: '{ref:EuWest1JobsQueue.url}', fifo: false, awsRegion: 'eu-west-1' },
      },
    ]);
    expect(r.forwarder!.drain.permissions).toEqual([
      {
        actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        resources: ['{ref:EuWest1JobsQueue.arn}'],
      },
    ]);
    expect(r.forwarder!.drain.timeoutS).toBeLessThan(60);
  });

  it('a queue the drain forwards may not expire on the broker before a drain can take it (messageTtlMs)', () => {
    // A drain runs once a minute and stops when idle: a job published after it stopped waits for the
    // next one, so a 30 s TTL dead-letters it on RabbitMQ (expired) where `warren forward` moves it at once.
    const at = (ms: number, homeRegion?: string) =>
      problems({
        regions: [EU, US],
        tasks: [task('a', 'jobs')],
        queues: { jobs: { sqs: true, messageTtlMs: ms, homeRegion } },
      });
    const refused =
      "queues.jobs.messageTtlMs: 30000 ms is shorter than a job may wait on the broker for the region's forward drain (run rate(1 minute), then its start and the hop beyond it: 90 s): jobs published between two drains would expire before they are forwarded; set at least 90000, or leave it out";
    expect(at(30_000)).toEqual([refused]); // once, though both regions drain it into SQS
    expect(at(30_000, 'us')).toEqual([refused]); // the EU drain forwards it to its home
    expect(() =>
      plan({
        regions: [EU],
        tasks: [task('a', 'jobs')],
        queues: { jobs: { sqs: true, messageTtlMs: 90_000 } },
      }),
    ).not.toThrow();
    // Not drained (consumed straight from Amazon MQ, or by long-running workers): no such wait.
    expect(() =>
      plan({ tasks: [task('a', 'jobs')], queues: { jobs: { messageTtlMs: 30_000 } } }),
    ).not.toThrow();
  });
});

describe('planDeployment: home regions and forwarding', () => {
  it('a homed queue gets its SQS worker only at home; the other regions drain it there', () => {
    const p = plan({
      regions: [EU, US],
      tasks: [task('r', 'reports')],
      queues: { reports: { sqs: true, homeRegion: 'us' } },
    });
    const [eu, us] = p.regions;
    expect(eu!.sqsQueues).toEqual([]);
    expect(us!.sqsQueues.map((q) => q.name)).toEqual(['UsReportsQueue']);
    expect(JSON.parse(eu!.forwarder!.drain.environment[ENV.forwardLinks]!)).toEqual([
      {
        name: 'reports:eu-west-1->us',
        queue: 'reports',
        from: 'eu-west-1',
        to: { kind: 'amqp', region: 'us' },
      },
    ]);
    // The EU drain talks to both brokers, so it links both broker secrets and nothing else.
    expect(eu!.forwarder!.drain.links).toEqual(['WarrenBrokersEuWest1', 'WarrenBrokersUs']);
    expect(Object.keys(JSON.parse(eu!.forwarder!.drain.environment[ENV.brokerSources]!))).toEqual([
      'eu-west-1',
      'us',
    ]);
    // At home, the drain only bridges into SQS and needs only its own broker.
    expect(us!.forwarder!.drain.links).toEqual(['WarrenBrokersUs']);
  });
});

describe('planDeployment: Amazon MQ and the RabbitMQ trigger', () => {
  const mq = { ...EU, amazonMq: {} };
  it('a region with amazonMq gets a cluster broker whose endpoint replaces the broker secret', () => {
    const p = plan({ regions: [mq, US] });
    const r = p.regions[0]!;
    expect(r.amazonMq).toEqual({
      name: 'EuWest1Broker',
      engineType: 'RabbitMQ',
      engineVersion: '3.13',
      hostInstanceType: 'mq.m5.large',
      deploymentMode: 'CLUSTER_MULTI_AZ',
      publiclyAccessible: true,
      autoMinorVersionUpgrade: true,
      usernameSecret: SECRET.mqUsername,
      passwordSecret: SECRET.mqPassword,
    });
    expect(r.broker).toEqual({
      kind: 'amazon-mq',
      endpoint: '{ref:EuWest1Broker.endpoint}',
      usernameSecret: SECRET.mqUsername,
      passwordSecret: SECRET.mqPassword,
    });
    expect(p.secrets.map((s) => s.name)).toEqual(
      expect.arrayContaining([SECRET.mqUsername, SECRET.mqPassword, 'WarrenBrokersUs']),
    );
    expect(p.secrets.map((s) => s.name)).not.toContain('WarrenBrokersEuWest1');
    expect(p.regions[1]!.ingest.links).toEqual(
      expect.arrayContaining([SECRET.mqUsername, SECRET.mqPassword]),
    );
  });

  it('single-instance brokers are allowed on small instances; clusters are not', () => {
    const single = plan({
      regions: [{ ...EU, amazonMq: { deploymentMode: 'single', instanceType: 'mq.t3.micro' } }],
    });
    expect(single.regions[0]!.amazonMq).toMatchObject({
      deploymentMode: 'SINGLE_INSTANCE',
      hostInstanceType: 'mq.t3.micro',
    });
    expect(problems({ regions: [{ ...EU, amazonMq: { instanceType: 'mq.t3.micro' } }] })).toEqual([
      'regions[0].amazonMq: mq.t3.micro supports only deploymentMode "single"; use mq.m5.large or larger for a cluster',
    ]);
  });

  it('a private broker is refused: the functions are not placed in its VPC', () => {
    expect(problems({ regions: [{ ...EU, amazonMq: { publiclyAccessible: false } }] })).toEqual([
      "regions[0].amazonMq.publiclyAccessible: false needs the functions inside the broker's VPC, which the stacks do not wire; keep it true (TLS and the broker user still apply)",
    ]);
  });

  it('a queue consumed straight from Amazon MQ gets an rmq worker and a trigger with batch settings and credentials', () => {
    const p = plan({
      regions: [mq],
      tasks: [task('x', 'direct', { timeoutMs: 30_000 })],
      queues: { direct: { lambda: { consumer: 'rmq', batchSize: 50, batchingWindowS: 2 } } },
    });
    const r = p.regions[0]!;
    expect(r.sqsQueues).toEqual([]);
    expect(r.forwarder).toBeUndefined();
    expect(r.rmqWorkers).toHaveLength(1);
    const w = r.rmqWorkers[0]!;
    expect(w).toMatchObject({
      queue: 'direct',
      credentialsSecretName: 'EuWest1MqTriggerCredentials',
      mapping: { name: 'EuWest1DirectRmqWorkerTrigger', batchSize: 50, batchingWindowS: 2, virtualHost: '/' },
      worker: { name: 'EuWest1DirectRmqWorker', entry: 'rmq-worker', timeoutS: 30 + LIMITS.workerSlackS },
    });
    expect(w.worker.permissions.flatMap((s) => s.actions)).toEqual(
      expect.arrayContaining([
        'mq:DescribeBroker',
        'secretsmanager:GetSecretValue',
        'ec2:CreateNetworkInterface',
      ]),
    );
    expect(w.worker.permissions[0]!.resources).toEqual(['{ref:EuWest1Broker.arn}']);
    expect(w.worker.permissions[1]!.resources).toEqual(['{ref:EuWest1MqTriggerCredentials.arn}']);
  });
});

describe('planDeployment: invalid configs are refused with messages naming what to fix', () => {
  it('lambda consumer sqs on a queue that is not bridged into SQS', () => {
    expect(problems({ queues: { q: { lambda: { consumer: 'sqs' } } } })).toEqual([
      'queues.q.lambda.consumer is "sqs" but the queue is not bridged into SQS: set queues.q.sqs',
    ]);
  });

  it('rmq consumer without Amazon MQ, and rmq together with sqs', () => {
    expect(problems({ queues: { q: { lambda: { consumer: 'rmq' } } } })).toEqual([
      'queues.q.lambda.consumer is "rmq" but region eu-west-1 has no amazonMq broker (Lambda\'s RabbitMQ trigger needs Amazon MQ)',
    ]);
    expect(
      problems({
        regions: [{ ...EU, amazonMq: {} }],
        queues: { q: { sqs: true, lambda: { consumer: 'rmq' } } },
      }),
    ).toContain(
      'queues.q: sqs and lambda.consumer "rmq" both set; a queue is consumed either from SQS or straight from Amazon MQ',
    );
  });

  it('a task too slow for Lambda, and a task without handler on a Lambda-consumed queue', () => {
    expect(
      problems({ tasks: [task('slow', 'q', { timeoutMs: 895_000 })], queues: { q: { sqs: true } } }),
    ).toEqual([
      "queues.q: task slow timeoutMs 895000 plus 10 s exceeds Lambda's 900 s limit; run this queue on a long-running worker",
    ]);
    expect(problems({ tasks: [task('py', 'q', { noHandler: true })], queues: { q: { sqs: true } } })).toEqual(
      ['queues.q: task py has no handler, so a Lambda worker cannot run it'],
    );
    // Without a Lambda worker, neither matters: long-running workers or Celery run such queues.
    expect(() => plan({ tasks: [task('py', 'q', { noHandler: true, timeoutMs: 3_600_000 })] })).not.toThrow();
  });

  it('batch settings SQS refuses', () => {
    expect(
      problems({ queues: { q: { sqs: { fifo: true }, lambda: { batchSize: 20, batchingWindowS: 5 } } } }),
    ).toEqual([
      'queues.q.lambda.batchSize: FIFO queues take at most 10',
      'queues.q.lambda.batchingWindowS: FIFO queues have no batching window',
    ]);
    expect(problems({ queues: { q: { sqs: true, lambda: { batchSize: 11 } } } })).toEqual([
      'queues.q.lambda.batchingWindowS: a batchSize above 10 needs a batching window of at least 1 s',
    ]);
  });

  it('names that collapse to the same component name', () => {
    expect(problems({ regions: [EU, { ...US, id: 'eu_west_1' }] })).toEqual([
      'regions: "eu-west-1" and "eu_west_1" give the same resource name EuWest1; rename one',
    ]);
    expect(problems({ queues: { 'a.b': {}, 'a-b': {} } })).toEqual([
      'queues: "a.b" and "a-b" give the same resource name AB; rename one',
    ]);
  });

  it('a catalogue too large for Lambda environment variables', () => {
    const regions = Array.from({ length: 40 }, (_, i) => ({
      id: `region-number-${i}`,
      awsRegion: 'eu-west-1',
      location: { lat: i, lon: i },
    }));
    expect(problems({ regions })).toEqual([
      expect.stringMatching(/^regions: the region catalogue takes \d+ bytes/),
    ]);
  });

  it('reports every problem at once', () => {
    const list = problems({
      regions: [{ id: 'moon', location: { lat: 0, lon: 0 } }],
      queues: { a: { lambda: { consumer: 'sqs' } }, b: { lambda: { consumer: 'rmq' } } },
    });
    expect(list).toHaveLength(3);
  });
});

describe('plan consistency', () => {
  it('every {ref:...} placeholder names a component the plan creates', () => {
    const p = plan({
      regions: [{ ...EU, amazonMq: {} }, US],
      tasks: [task('a', 'jobs'), task('b', 'direct'), task('c', 'reports')],
      queues: {
        jobs: { sqs: true },
        direct: { lambda: { consumer: 'rmq' }, homeRegion: 'eu-west-1' },
        reports: { sqs: { fifo: true }, homeRegion: 'us' },
      },
    });
    const created = new Set<string>();
    for (const r of p.regions) {
      if (r.amazonMq) created.add(r.amazonMq.name);
      for (const q of r.sqsQueues) created.add(q.name).add(q.dlq.name);
      for (const w of r.rmqWorkers) created.add(w.credentialsSecretName);
    }
    const text = JSON.stringify(p);
    const refs = [...text.matchAll(/\{ref:([A-Za-z0-9]+)\.(url|arn|endpoint)\}/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(5);
    for (const name of refs) expect(created, name).toContain(name);
    // Component names are unique across the app.
    const names = p.regions.flatMap((r) => [
      r.ingest.name,
      ...r.sqsQueues.flatMap((q) => [q.name, q.dlq.name, q.worker.name]),
      ...r.rmqWorkers.flatMap((w) => [w.worker.name, w.mapping.name, w.credentialsSecretName]),
      ...(r.forwarder ? [r.forwarder.drain.name, r.forwarder.cronName] : []),
      ...(r.amazonMq ? [r.amazonMq.name] : []),
    ]);
    expect(new Set(names).size).toBe(names.length);
    // Every linked secret is declared.
    const declared = new Set(p.secrets.map((s) => s.name));
    const fns = p.regions.flatMap((r) => [
      r.ingest,
      ...r.sqsQueues.map((q) => q.worker),
      ...r.rmqWorkers.map((w) => w.worker),
      ...(r.forwarder ? [r.forwarder.drain] : []),
    ]);
    for (const f of fns) for (const l of f.links) expect(declared, `${f.name} → ${l}`).toContain(l);
  });

  it('pascal() turns names into component-safe identifiers', () => {
    expect(pascal('eu-west-1')).toBe('EuWest1');
    expect(pascal('emails.high:prio')).toBe('EmailsHighPrio');
  });
});
