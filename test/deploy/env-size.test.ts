import { defineConfig, defineTask } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DeployPlanError, planDeployment } from '../../stacks/plan';
import { envBytes, LAMBDA_ENV_MAX_BYTES } from '../../stacks/plan-env-size';

/*
 * Lambda refuses an environment over 4 KB at deploy time (not testable here: no AWS). The plan
 * bounds each function's environment with its placeholders at their longest resolved length.
 */
const region = { id: 'eu-west-1', location: { lat: 53.3, lon: -6.3 } };

function configWith(queueCount: number) {
  const names = Array.from({ length: queueCount }, (_, i) => `queue-with-a-long-name-${i}`);
  return defineConfig({
    regions: [region],
    tasks: names.map((q) =>
      defineTask({ name: `task.${q}`, queue: q, input: z.unknown(), handler: (x: unknown) => x }),
    ),
    queues: Object.fromEntries(names.map((q) => [q, { sqs: true }])),
  });
}

describe('plan: Lambda environment size', () => {
  it('counts a queue URL placeholder at its longest deployed length, not its own', () => {
    expect(envBytes({ A: '{ref:EuWest1JobsQueue.url}' })).toBe(1 + 160);
    expect(envBytes({ A: 'x{ref:B.endpoint}y' })).toBe(3 + 100);
  });

  it('a region draining many queues into SQS is refused, naming the drain, before Lambda would refuse it', () => {
    let err: unknown;
    try {
      planDeployment(configWith(12));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DeployPlanError);
    expect((err as DeployPlanError).problems).toEqual([
      expect.stringMatching(/^EuWest1ForwardDrain: its environment may take \d+ bytes/),
    ]);
  });

  it('a few queues fit, with every function under the limit', () => {
    const r = planDeployment(configWith(3)).regions[0]!;
    for (const f of [r.ingest, r.forwarder!.drain, ...r.sqsQueues.map((q) => q.worker)])
      expect(envBytes(f.environment), f.name).toBeLessThan(LAMBDA_ENV_MAX_BYTES);
  });
});
