import { defineConfig, defineTask } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deployWarren } from '../../stacks/index';
import { planDeployment } from '../../stacks/plan';
import { type Recorded, recordingComponents, unwrap } from '../../stacks/testing/recording-components';

/*
 * Every function's region catalogue names every region's broker, so with Amazon MQ in two
 * regions the first region's ingest needs the second region's broker endpoint. Checked on the
 * recording stand-in (real Pulumi outputs would resolve later, but the stacks' placeholder lookup
 * runs when the function is declared).
 */
const config = defineConfig({
  regions: [
    { id: 'eu-west-1', location: { lat: 53.3, lon: -6.3 }, amazonMq: {} },
    { id: 'us-east-1', location: { lat: 38.9, lon: -77 }, amazonMq: {} },
  ],
  tasks: [defineTask({ name: 'a', queue: 'jobs', input: z.unknown(), handler: (x: unknown) => x })],
  queues: { jobs: { sqs: true, homeRegion: 'us-east-1' } },
});

describe('stacks: Amazon MQ in several regions', () => {
  it("each ingest's broker sources carry every region's broker endpoint", () => {
    const { components, calls } = recordingComponents();
    deployWarren(planDeployment(config), components, { namePrefix: 'warren-test' });
    const ingest = calls.find((c) => c.name === 'EuWest1Ingest') as Recorded & {
      args: { environment: Record<string, unknown> };
    };
    const sources = JSON.parse(unwrap(ingest.args.environment.WARREN_BROKER_SOURCES) as string);
    expect(sources['us-east-1'].endpoint).toBe('amqps://UsEast1Broker.mq.fake:5671');
    expect(sources['eu-west-1'].endpoint).toBe('amqps://EuWest1Broker.mq.fake:5671');
    // Each broker is still made through its own region's provider.
    const broker = calls.find((c) => c.name === 'UsEast1Broker')!;
    const provider = calls.find((c) => c.name === 'UsEast1Aws');
    expect((broker.opts as { provider: unknown }).provider).toBe(provider);
  });
});
