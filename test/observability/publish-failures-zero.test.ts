import {
  createProducer,
  defineConfig,
  MemoryBroker,
  MemoryResultStore,
  type Publisher,
  TransportError,
} from '@warren/core';
import { createLogger, createObservability } from '@warren/observability';
import { expect, it } from 'vitest';
import { exampleTasks } from '../../examples/tasks';
import { sample } from './prom-text';

// warren_publish_failures_total{region} appeared with a region's first failed publish, at 1: with
// no 0 before it, increase(...[5m]) read that first failure (a region failing over once) as nothing,
// after every ingest start. The regions are known from the config: exported at 0, as the job series.
it('an ingest scrapes warren_publish_failures_total at 0 for each region before any failure', async () => {
  const config = defineConfig({
    tasks: exampleTasks,
    region: 'eu',
    regions: [
      { id: 'eu', location: { lat: 50, lon: 8 } },
      { id: 'us', location: { lat: 39, lon: -77 } },
    ],
  });
  const logger = createLogger({ level: 'silent' });
  const obs = createObservability({ config, logger, roles: ['enqueue'] });
  let text = await obs.registry.metrics();
  expect(sample(text, 'warren_publish_failures_total', { region: 'eu' })).toBe(0);
  expect(sample(text, 'warren_publish_failures_total', { region: 'us' })).toBe(0);

  // The nearest region refuses the publish, the next confirms: 0 -> 1 for eu.
  const down: Publisher = {
    publish: async () => {
      throw new TransportError('connection closed', true);
    },
    close: async () => {},
  };
  const broker = new MemoryBroker();
  const producer = createProducer({
    config,
    publishers: new Map<string, Publisher>([
      ['eu', down],
      ['us', broker],
    ]),
    results: new MemoryResultStore(),
    onEvent: obs.producerEvents,
  });
  obs.useRouter(producer.router);
  const accepted = await producer.enqueue({ task: 'demo.add', input: { a: 1, b: 2 } });
  expect(accepted.response.region).toBe('us');
  text = await obs.registry.metrics();
  expect(sample(text, 'warren_publish_failures_total', { region: 'eu' })).toBe(1);
  expect(sample(text, 'warren_publish_failures_total', { region: 'us' })).toBe(0);
  await broker.close();

  // A process that publishes nothing (a worker, a forwarder) has no such series.
  const worker = createObservability({ config, logger, roles: ['run'] });
  expect(await worker.registry.metrics()).not.toMatch(/^warren_publish_failures_total\{/m);
});
