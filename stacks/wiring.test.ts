import { defineConfig, defineTask } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENV, SECRET } from './functions/shared/deploy-env';
import { deployWarren } from './index';
import { planDeployment } from './plan';
import { type Recorded, recordingComponents } from './testing/recording-components';

const task = (name: string, queue: string, timeoutMs = 30_000) =>
  defineTask({ name, queue, input: z.unknown(), timeoutMs, retry: { maxAttempts: 4 }, handler: (x) => x });

const config = defineConfig({
  regions: [
    { id: 'eu-west-1', location: { lat: 53.3, lon: -6.3 }, amazonMq: {} },
    { id: 'us', awsRegion: 'us-east-1', location: { lat: 38.9, lon: -77 } },
  ],
  tasks: [task('mail.send', 'mail'), task('direct.run', 'direct', 60_000), task('rep.build', 'reports')],
  queues: {
    mail: { sqs: true, lambda: { batchSize: 25, batchingWindowS: 3 } },
    direct: { homeRegion: 'eu-west-1', lambda: { consumer: 'rmq', batchSize: 5 } },
    reports: { sqs: { fifo: true }, homeRegion: 'us' },
  },
});

function deploy() {
  const plan = planDeployment(config);
  const { components, calls } = recordingComponents();
  const outputs = deployWarren(plan, components, { namePrefix: 'warren-test' });
  const of = (type: string) => calls.filter((c) => c.type === type);
  const named = (name: string) => {
    const found = calls.filter((c) => c.name === name);
    expect(found, name).toHaveLength(1);
    return found[0]! as Recorded & { args: Record<string, unknown> };
  };
  return { plan, calls, of, named, outputs };
}

describe('stacks wiring (recording stand-in for SST components and aws.* classes)', () => {
  it('creates exactly the components the plan lists, each once', () => {
    const { plan, calls, of } = deploy();
    expect(of('sst.Secret').map((c) => c.name)).toEqual(plan.secrets.map((s) => s.name));
    expect(of('aws.Provider').map((c) => [c.name, c.args])).toEqual([
      ['EuWest1Aws', { region: 'eu-west-1' }],
      ['UsAws', { region: 'us-east-1' }],
    ]);
    const planned = plan.regions.flatMap((r) => [
      r.ingest.name,
      ...r.sqsQueues.flatMap((q) => [q.name, q.dlq.name, q.worker.name, `${q.worker.name}Trigger`]),
      ...r.rmqWorkers.flatMap((w) => [
        w.worker.name,
        w.mapping.name,
        w.credentialsSecretName,
        `${w.credentialsSecretName}Version`,
      ]),
      ...(r.forwarder ? [r.forwarder.drain.name, r.forwarder.cronName] : []),
      ...(r.amazonMq ? [r.amazonMq.name] : []),
    ]);
    const created = calls.filter((c) => !['sst.Secret', 'aws.Provider'].includes(c.type)).map((c) => c.name);
    expect([...created].sort()).toEqual([...planned].sort());
  });

  it('every regional resource goes through its own region provider', () => {
    const { calls, named } = deploy();
    const eu = named('EuWest1Aws');
    const us = named('UsAws');
    for (const c of calls.filter((x) => !['sst.Secret', 'aws.Provider'].includes(x.type))) {
      const provider = (c.opts as { provider: unknown }).provider;
      expect(provider, c.name).toBe(c.name.startsWith('EuWest1') ? eu : us);
    }
  });

  it('the ingest: prebuilt bundle, Function URL, catalogue env with refs resolved, secrets linked', () => {
    const { named, outputs } = deploy();
    const ingest = named('UsIngest');
    expect(ingest.type).toBe('sst.aws.Function');
    expect(ingest.args).toMatchObject({
      handler: 'index.handler',
      bundle: '.build/functions/ingest',
      runtime: 'nodejs22.x',
      url: { cors: false },
      timeout: '35 seconds',
      memory: '1024 MB',
    });
    const env = ingest.args.environment as Record<string, string>;
    expect(env[ENV.region]).toBe('us');
    expect(JSON.parse(env[ENV.brokerSources]!)).toEqual({
      'eu-west-1': {
        kind: 'amazon-mq',
        endpoint: 'amqps://EuWest1Broker.mq.fake:5671',
        usernameSecret: SECRET.mqUsername,
        passwordSecret: SECRET.mqPassword,
      },
      us: { kind: 'secret', secret: 'WarrenBrokersUs' },
    });
    expect((ingest.args.link as Recorded[]).map((s) => s.name)).toEqual(
      [
        SECRET.apiKeys,
        SECRET.mqPassword,
        SECRET.mqUsername,
        SECRET.upstashToken,
        SECRET.upstashUrl,
        'WarrenBrokersUs',
      ].sort(),
    );
    expect(outputs).toEqual({ ingestEuWest1: expect.anything(), ingestUs: expect.anything() });
    expect((outputs.ingestUs as unknown as { value: string }).value).toBe('https://UsIngest.fake');
  });

  it('an SQS queue: DLQ with retention, redrive with maxReceiveCount, visibility as SST duration', () => {
    const { named } = deploy();
    expect(named('EuWest1MailQueueDlq').args).toEqual({
      fifo: false,
      transform: { queue: { messageRetentionSeconds: 1_209_600 } },
    });
    expect(named('EuWest1MailQueue').args).toEqual({
      fifo: false,
      visibilityTimeout: `${6 * 40 + 3} seconds`,
      // The mail task allows 4 attempts; the redrive allows at least 5 receives (AWS's advice).
      dlq: { queue: 'arn:fake:sst.aws.Queue:EuWest1MailQueueDlq', retry: 5 },
      // Set, not left to the default: the plan sizes it to the receives (4 days for 5).
      transform: { queue: { messageRetentionSeconds: 345_600 } },
    });
    expect(named('UsReportsQueue').args).toMatchObject({ fifo: true });
  });

  it('the SQS worker and its trigger: batch size, window, ReportBatchItemFailures, queue ARNs resolved', () => {
    const { named } = deploy();
    const worker = named('EuWest1MailSqsWorker');
    expect(worker.args).toMatchObject({ bundle: '.build/functions/sqs-worker', timeout: '40 seconds' });
    expect(worker.args.environment).toEqual({ [ENV.region]: 'eu-west-1' });
    expect((worker.args.permissions as Array<{ resources: string[] }>)[0]!.resources).toEqual([
      'arn:fake:sst.aws.Queue:EuWest1MailQueue',
    ]);
    expect(named('EuWest1MailSqsWorkerTrigger').args).toEqual({
      eventSourceArn: 'arn:fake:sst.aws.Queue:EuWest1MailQueue',
      functionName: 'arn:fake:sst.aws.Function:EuWest1MailSqsWorker',
      batchSize: 25,
      maximumBatchingWindowInSeconds: 3,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('Amazon MQ: broker from the MQ secrets; RabbitMQ trigger on the broker with Secrets Manager credentials', () => {
    const { named } = deploy();
    expect(named('EuWest1Broker').args).toEqual({
      brokerName: 'warren-test-EuWest1Broker',
      engineType: 'RabbitMQ',
      engineVersion: '3.13',
      hostInstanceType: 'mq.m5.large',
      deploymentMode: 'CLUSTER_MULTI_AZ',
      publiclyAccessible: true,
      autoMinorVersionUpgrade: true,
      users: [{ username: `secret-of-${SECRET.mqUsername}`, password: `secret-of-${SECRET.mqPassword}` }],
    });
    expect(JSON.parse(named('EuWest1MqTriggerCredentialsVersion').args.secretString as string)).toEqual({
      username: `secret-of-${SECRET.mqUsername}`,
      password: `secret-of-${SECRET.mqPassword}`,
    });
    expect(named('EuWest1DirectRmqWorkerTrigger').args).toEqual({
      eventSourceArn: 'arn:fake:aws.mq.Broker:EuWest1Broker',
      functionName: 'arn:fake:sst.aws.Function:EuWest1DirectRmqWorker',
      queues: 'direct',
      batchSize: 5,
      maximumBatchingWindowInSeconds: 1,
      sourceAccessConfigurations: [
        // Through the version: the trigger is created only once the credentials are stored.
        {
          type: 'BASIC_AUTH',
          uri: 'arn:fake:aws.secretsmanager.SecretVersion:EuWest1MqTriggerCredentialsVersion',
        },
        { type: 'VIRTUAL_HOST', uri: '/' },
      ],
    });
    const perms = named('EuWest1DirectRmqWorker').args.permissions as Array<{ resources: string[] }>;
    expect(perms[0]!.resources).toEqual(['arn:fake:aws.mq.Broker:EuWest1Broker']);
  });

  it('the forwarder: a drain function on a schedule, with its links resolved to real queue URLs', () => {
    const { named } = deploy();
    const cron = named('UsForwardSchedule');
    expect(cron.args).toEqual({
      function: 'arn:fake:sst.aws.Function:UsForwardDrain',
      schedule: 'rate(1 minute)',
    });
    const env = named('UsForwardDrain').args.environment as Record<string, string>;
    expect(JSON.parse(env[ENV.forwardLinks]!)).toEqual([
      {
        name: 'direct:us->eu-west-1',
        queue: 'direct',
        from: 'us',
        to: { kind: 'amqp', region: 'eu-west-1' },
      },
      {
        name: 'mail:us->sqs',
        queue: 'mail',
        from: 'us',
        to: { kind: 'sqs', queueUrl: 'https://sqs.fake/UsMailQueue', fifo: false, awsRegion: 'us-east-1' },
      },
      {
        name: 'reports:us->sqs',
        queue: 'reports',
        from: 'us',
        to: { kind: 'sqs', queueUrl: 'https://sqs.fake/UsReportsQueue', fifo: true, awsRegion: 'us-east-1' },
      },
    ]);
  });

  it("the Function URL leaves CORS to the ingest (ingest.corsOrigins), not SST's allow-all default", () => {
    // `url: true` makes SST configure the Function URL's CORS as allowOrigins/Methods/Headers `*`,
    // and Lambda answers preflights from that config without invoking the function: any origin
    // was allowed even with no ingest.corsOrigins (CORS off, the README says), unlike the Node ingest.
    const { of } = deploy();
    const withUrl = of('sst.aws.Function').filter((c) => (c.args as { url?: unknown }).url !== undefined);
    expect(withUrl.map((c) => c.name).sort()).toEqual(['EuWest1Ingest', 'UsIngest']);
    for (const c of withUrl) expect((c.args as { url: unknown }).url, c.name).toEqual({ cors: false });
  });

  it('no {ref:...} placeholder is left unresolved anywhere', () => {
    const { calls } = deploy();
    const text = JSON.stringify(calls.map((c) => c.args));
    expect(text).not.toContain('{ref:');
  });
});

describe('Amazon MQ broker names (CreateBroker: 1-50 letters, digits, - and _, unique in the account)', () => {
  const brokerNames = (namePrefix: string) => {
    const { components, calls } = recordingComponents();
    deployWarren(planDeployment(config), components, { namePrefix });
    return calls
      .filter((c) => c.type === 'aws.mq.Broker')
      .map((c) => (c.args as { brokerName: string }).brokerName);
  };

  it('a short stage keeps the readable name', () => {
    expect(brokerNames('warren-prod')).toEqual(['warren-prod-EuWest1Broker']);
  });

  it('a long stage name still gives a valid name, distinct per stage', () => {
    const a = brokerNames('warren-pr-1234-improve-the-forwarder-retries');
    const b = brokerNames('warren-pr-1234-improve-the-forwarder-retriez');
    for (const name of [...a, ...b]) {
      expect(name.length, name).toBeLessThanOrEqual(50);
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(a[0]).not.toBe(b[0]);
    expect(a[0]).toMatch(/^warren-pr-1234-/);
  });
});
