import { defineConfig, defineTask } from '@warren/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { recordingComponents } from './testing/recording-components';

/**
 * Runs sst.config.ts itself with SST's globals replaced by the recording stand-in: its `run()`
 * must load the config and the stacks (dynamic imports only) and hand SST's classes to them.
 */
const withRegions = vi.hoisted(() => ({ on: false }));
vi.mock('../warren.config', async (importOriginal) => {
  const real = ((await importOriginal()) as { default: ReturnType<typeof defineConfig> }).default;
  const deployable = defineConfig({
    tasks: [defineTask({ name: 't', queue: 'jobs', input: z.unknown(), handler: () => 1 })],
    regions: [{ id: 'eu-west-1', location: { lat: 53, lon: -6 } }],
    queues: { jobs: { sqs: true } },
  });
  // Read when sst.config.ts imports it, so each test picks its config.
  return {
    get default() {
      return withRegions.on ? deployable : real;
    },
  };
});

// The bundles' freshness is unit-tested in bundle-freshness.test.ts; here, that run() asks for it.
const freshness = vi.hoisted(() => ({ asked: [] as string[][], stale: false }));
vi.mock('./bundle-freshness', () => ({
  assertBundlesFresh(bundles: string[]) {
    freshness.asked.push(bundles);
    if (freshness.stale)
      throw new Error('stale Lambda bundles (run npm run build:functions, then deploy again)');
  },
}));

type SstConfig = {
  app(input: { stage: string }): { name: string; home: string; removal: string; protect: boolean };
  run(): Promise<Record<string, { value: string }>>;
};

async function loadSstConfig() {
  const { components, calls } = recordingComponents();
  const g = globalThis as Record<string, unknown>;
  g.$config = (c: unknown) => c;
  g.sst = {
    aws: { Function: components.Function, Queue: components.Queue, Cron: components.Cron },
    Secret: components.Secret,
  };
  g.aws = components.aws;
  g.$output = components.output;
  g.$app = { name: 'warren', stage: 'test' };
  vi.resetModules();
  // A computed specifier keeps sst.config.ts (which needs SST's global types) out of the main tsc program.
  const file = new URL('../sst.config.ts', import.meta.url).href;
  const mod = (await import(/* @vite-ignore */ file)) as { default: SstConfig };
  return { config: mod.default, calls };
}

afterEach(() => {
  for (const k of ['$config', 'sst', 'aws', '$output', '$app'])
    delete (globalThis as Record<string, unknown>)[k];
  withRegions.on = false;
  freshness.asked = [];
  freshness.stale = false;
});

describe('sst.config.ts (run with a recording stand-in for SST globals)', () => {
  it('app(): name warren on AWS; production is retained and protected, other stages removed', async () => {
    const { config } = await loadSstConfig();
    expect(config.app({ stage: 'dev' })).toEqual({
      name: 'warren',
      home: 'aws',
      removal: 'remove',
      protect: false,
    });
    expect(config.app({ stage: 'production' })).toMatchObject({ removal: 'retain', protect: true });
  });

  it('run() plans from warren.config.ts: the example config has no regions and is refused clearly', async () => {
    const { config, calls } = await loadSstConfig();
    await expect(config.run()).rejects.toThrow(/regions: list at least one region/);
    expect(calls).toEqual([]);
  });

  it('run() deploys the plan through SST classes and returns the ingest URLs', async () => {
    withRegions.on = true;
    const { config, calls } = await loadSstConfig();
    const outputs = await config.run();
    expect(outputs.ingestEuWest1?.value).toBe('https://EuWest1Ingest.fake');
    expect(calls.map((c) => `${c.type} ${c.name}`)).toEqual(
      expect.arrayContaining([
        'sst.aws.Function EuWest1Ingest',
        'sst.aws.Queue EuWest1JobsQueue',
        'sst.aws.Function EuWest1JobsSqsWorker',
        'aws.lambda.EventSourceMapping EuWest1JobsSqsWorkerTrigger',
        'sst.aws.Cron EuWest1ForwardSchedule',
      ]),
    );
    const broker = calls.find((c) => c.type === 'aws.mq.Broker');
    expect(broker).toBeUndefined();
  });

  it('run() refuses Lambda bundles older than the config and code the plan was made from, before creating anything', async () => {
    withRegions.on = true;
    freshness.stale = true;
    const { config, calls } = await loadSstConfig();
    await expect(config.run()).rejects.toThrow(/stale Lambda bundles \(run npm run build:functions/);
    expect(calls).toEqual([]);
    expect([...new Set(freshness.asked.flat())].sort()).toEqual([
      '.build/functions/forward-drain',
      '.build/functions/ingest',
      '.build/functions/sqs-worker',
    ]);
  });
});
