import { defineConfig, defineTask, type WarrenConfig } from '@warren/core';
import { z } from 'zod';
import { AMQP_URL, type Round } from './common';

/** The bench task, bound to this round's quorum queue. `t0` rides in the input for latency. */
export function benchConfig(round: Round, concurrency: number): WarrenConfig {
  const add = defineTask({
    name: 'add',
    queue: round.queue,
    input: z.object({ a: z.number(), b: z.number(), t0: z.number().optional() }),
    handler: ({ a, b }) => a + b,
  });
  return defineConfig({
    region: 'local',
    queues: { [round.queue]: { type: 'quorum' } },
    worker: { concurrency, queues: [round.queue], shutdownTimeoutMs: 5_000 },
    tasks: [add],
  });
}

export interface AmqpBrokerLike {
  publisher: import('@warren/core').Publisher;
  consumer: import('@warren/core').Consumer;
  connect(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `@warren/amqp` is loaded dynamically so the rest of the bench runs while the adapter is being
 * built; its absence makes the warren side a BenchSkip, never a fake.
 */
export async function loadAmqpBroker(config: WarrenConfig): Promise<AmqpBrokerLike> {
  const spec = '@warren/amqp';
  const mod = (await import(spec)) as {
    createAmqpBroker?: (o: { urls: string[]; queues: WarrenConfig['queues'] }) => AmqpBrokerLike;
  };
  if (!mod.createAmqpBroker) throw new Error('@warren/amqp does not export createAmqpBroker yet');
  const broker = mod.createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await broker.connect();
  return broker;
}

/** Worker concurrency = broker prefetch. 200 keeps the confirm/ack pipelines full on 2 cores. */
export const WARREN_CONCURRENCY = 200;
