import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The raw `aws.*` resources the stacks create (Amazon MQ broker, Secrets Manager credentials,
 * Lambda event source mappings), built by the real `@pulumi/aws` classes under Pulumi's runtime
 * mocks: the classes validate their arguments and the mock engine records what would be sent to
 * AWS. Nothing reaches AWS here (it is not reachable from this machine).
 */
interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  provider?: string;
}
const registered: Registered[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        const state: Record<string, unknown> = { ...args.inputs, arn: `arn:mock:${args.type}:${args.name}` };
        if (args.type === 'aws:mq/broker:Broker') {
          state.instances = [{ endpoints: [`amqps://${args.name}.mq.mock:5671`] }];
        }
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    'warren',
    'test',
    false,
  );
});

const settled = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

async function deployRaw() {
  // Imported after setMocks, as Pulumi's testing guide asks.
  const aws = await import('@pulumi/aws');
  const { defineConfig, defineTask } = await import('@warren/core');
  const { z } = await import('zod');
  const { planDeployment } = await import('./plan');
  const { Refs } = await import('./refs');
  const { createAmazonMq } = await import('./amazon-mq');
  const { createMqTriggerCredentials, createRmqTrigger, createSqsTrigger } = await import('./event-sources');

  const config = defineConfig({
    regions: [{ id: 'eu-west-1', location: { lat: 53, lon: -6 }, amazonMq: {} }],
    tasks: [
      defineTask({ name: 'a', queue: 'jobs', input: z.unknown(), handler: () => 1 }),
      defineTask({ name: 'b', queue: 'direct', input: z.unknown(), handler: () => 1 }),
    ],
    queues: {
      jobs: { sqs: true, lambda: { batchSize: 200, batchingWindowS: 5 } },
      direct: { lambda: { consumer: 'rmq' } },
    },
  });
  const region = planDeployment(config).regions[0]!;
  const c = { aws, output: (v: pulumi.Input<string>[]) => pulumi.output(v) } as never;
  const refs = new Refs(c);
  const secret = (v: string) => ({ value: pulumi.output(v) });
  const secrets = new Map([
    ['WarrenMqUsername', secret('warren')],
    ['WarrenMqPassword', secret('correct-horse-battery')],
  ]);
  const provider = new aws.Provider('EuWest1Aws', { region: 'eu-west-1' });
  const opts = { provider };
  const broker = createAmazonMq(region.amazonMq!, c, refs, secrets, 'warren-test', opts);
  const fakeFn = (name: string) => ({
    arn: pulumi.output(`arn:aws:lambda:eu-west-1:1:function:${name}`),
    url: pulumi.output(''),
  });
  const q = region.sqsQueues[0]!;
  const sqsEsm = createSqsTrigger(
    q,
    { arn: pulumi.output('arn:aws:sqs:eu-west-1:1:jobs'), url: pulumi.output('https://sqs/jobs') },
    fakeFn(q.worker.name),
    c,
    opts,
  );
  const w = region.rmqWorkers[0]!;
  createMqTriggerCredentials(w.credentialsSecretName, region.amazonMq!, c, refs, secrets, opts);
  const rmqEsm = createRmqTrigger(w, fakeFn(w.worker.name), c, refs, region.amazonMq!.name, opts);
  const endpoint = await settled(pulumi.output(refs.resolve('{ref:EuWest1Broker.endpoint}')));
  await Promise.all([settled(broker.arn), settled(sqsEsm.uuid), settled(rmqEsm.uuid)]);
  return { endpoint };
}

describe('raw aws.* resources under Pulumi runtime mocks', () => {
  let endpoint = '';
  const one = (type: string) => {
    const found = registered.filter((r) => r.type === type);
    return found;
  };
  beforeAll(async () => {
    ({ endpoint } = await deployRaw());
  }, 120_000);

  it('Amazon MQ for RabbitMQ broker in cluster mode with the MQ credentials, through the region provider', () => {
    const [broker] = one('aws:mq/broker:Broker');
    expect(broker).toBeDefined();
    expect(broker!.inputs).toMatchObject({
      brokerName: 'warren-test-EuWest1Broker',
      engineType: 'RabbitMQ',
      engineVersion: '3.13',
      hostInstanceType: 'mq.m5.large',
      deploymentMode: 'CLUSTER_MULTI_AZ',
      publiclyAccessible: true,
      autoMinorVersionUpgrade: true,
    });
    expect(broker!.inputs.users).toEqual([{ username: 'warren', password: 'correct-horse-battery' }]);
    expect(broker!.provider).toMatch(/EuWest1Aws/);
    expect(endpoint).toBe('amqps://EuWest1Broker.mq.mock:5671');
  });

  it('SQS event source mapping: batch size, window and ReportBatchItemFailures', () => {
    const sqs = one('aws:lambda/eventSourceMapping:EventSourceMapping').find(
      (r) => r.name === 'EuWest1JobsSqsWorkerTrigger',
    );
    expect(sqs?.inputs).toMatchObject({
      eventSourceArn: 'arn:aws:sqs:eu-west-1:1:jobs',
      functionName: 'arn:aws:lambda:eu-west-1:1:function:EuWest1JobsSqsWorker',
      batchSize: 200,
      maximumBatchingWindowInSeconds: 5,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(sqs!.provider).toMatch(/EuWest1Aws/);
  });

  it('Amazon MQ event source mapping: queue, broker ARN, Secrets Manager BASIC_AUTH and virtual host', () => {
    const secret = one('aws:secretsmanager/secret:Secret')[0]!;
    const version = one('aws:secretsmanager/secretVersion:SecretVersion')[0]!;
    expect(secret.name).toBe('EuWest1MqTriggerCredentials');
    expect(version.inputs.secretId).toBe(
      'arn:mock:aws:secretsmanager/secret:Secret:EuWest1MqTriggerCredentials',
    );
    // @pulumi/aws marks secretString secret: the engine receives it wrapped, never as plain text.
    const wrapped = version.inputs.secretString as { value: string };
    expect(typeof wrapped).toBe('object');
    expect(JSON.parse(wrapped.value)).toEqual({
      username: 'warren',
      password: 'correct-horse-battery',
    });
    const rmq = one('aws:lambda/eventSourceMapping:EventSourceMapping').find(
      (r) => r.name === 'EuWest1DirectRmqWorkerTrigger',
    );
    expect(rmq?.inputs).toMatchObject({
      eventSourceArn: 'arn:mock:aws:mq/broker:Broker:EuWest1Broker',
      queues: 'direct',
      batchSize: 10,
      maximumBatchingWindowInSeconds: 1,
      sourceAccessConfigurations: [
        // The version's ARN (on AWS the secret's own ARN): an input from the version makes Pulumi
        // create the trigger only after the credentials are stored.
        {
          type: 'BASIC_AUTH',
          uri: 'arn:mock:aws:secretsmanager/secretVersion:SecretVersion:EuWest1MqTriggerCredentialsVersion',
        },
        { type: 'VIRTUAL_HOST', uri: '/' },
      ],
    });
  });
});
