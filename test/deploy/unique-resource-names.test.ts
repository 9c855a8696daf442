import { defineConfig, defineTask } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deployWarren } from '../../stacks/index';
import { planDeployment } from '../../stacks/plan';
import { recordingComponents } from '../../stacks/testing/recording-components';

/*
 * Pulumi names a resource by its type and name (the URN): two resources of one type with one name
 * fail the whole `sst deploy` ("Duplicate resource URN"), which only shows up against real
 * Pulumi. Checked here on the recording stand-in with several queues of every kind per region.
 */
const task = (name: string, queue: string) =>
  defineTask({ name, queue, input: z.unknown(), handler: (x: unknown) => x });

const config = defineConfig({
  regions: [
    { id: 'eu-west-1', location: { lat: 53.3, lon: -6.3 }, amazonMq: {} },
    { id: 'us-east-1', location: { lat: 38.9, lon: -77 }, amazonMq: {} },
  ],
  tasks: [task('a', 'rmq-a'), task('b', 'rmq-b'), task('c', 'sqs-c'), task('d', 'sqs-d')],
  queues: {
    'rmq-a': { lambda: { consumer: 'rmq' } },
    'rmq-b': { lambda: { consumer: 'rmq' } },
    'sqs-c': { sqs: true },
    'sqs-d': { sqs: { fifo: true } },
  },
});

describe('stacks: resource names', () => {
  it('no two resources of one type share a name (two RabbitMQ-triggered and two SQS queues per region)', () => {
    const { components, calls } = recordingComponents();
    deployWarren(planDeployment(config), components, { namePrefix: 'warren-test' });
    const keys = calls.map((c) => `${c.type} ${c.name}`);
    // Not vacuous: both regions got their two RabbitMQ triggers.
    expect(
      keys.filter((k) => k.startsWith('aws.lambda.EventSourceMapping') && k.includes('Rmq')),
    ).toHaveLength(4);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});
