import { defineConfig, QueueFullError } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import { describe, expect, it } from 'vitest';
import { createRuntime } from './create-runtime';

describe('createRuntime', () => {
  const config = defineConfig({ tasks: [] });

  it('refuses to start without a broker and a result store, naming the variables', async () => {
    await expect(createRuntime(config, {}, { command: 'warren ingest' })).rejects.toThrow(
      /warren ingest: .*RABBITMQ_URL.*REDIS_URL.*--embedded/s,
    );
  });

  it('refuses a broker without a result store (the job would be accepted but never recorded)', async () => {
    await expect(
      createRuntime(config, { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1' }, { command: 'warren worker' }),
    ).rejects.toThrow(/warren worker: no result store .*REDIS_URL/);
  });

  it.each([',', ' , ', '  '])(
    'refuses a RABBITMQ_URL of %o, which names no node (a list of unset variables), as unset',
    async (RABBITMQ_URL) => {
      await expect(
        createRuntime(
          config,
          { RABBITMQ_URL, REDIS_URL: 'redis://127.0.0.1:6379' },
          { command: 'warren worker' },
        ),
      ).rejects.toThrow(/warren worker: no broker \(set RABBITMQ_URL/);
    },
  );

  it("refuses an own region that is not one of the config's regions (WARREN_REGION's check, for the file)", async () => {
    const location = { lat: 0, lon: 0 };
    const mismatched = defineConfig({
      tasks: [],
      region: 'eu-west',
      regions: [{ id: 'us-east', location, brokers: ['amqp://127.0.0.1:1'] }],
    });
    await expect(createRuntime(mismatched, { REDIS_URL: 'redis://127.0.0.1:6379' })).rejects.toThrow(
      `region "eu-west" is not one of the config's regions (us-east): set region in the config, or WARREN_REGION`,
    );
  });

  it('uses the in-memory broker and store only when asked to (--embedded, warren dev)', async () => {
    const rt = await createRuntime(config, {}, { embedded: true });
    expect(rt.describe.join(' ')).toMatch(/in-memory/);
    await rt.close();
  });

  it('warns warren ingest/worker --embedded that their in-memory broker is theirs alone (warren dev is not warned)', async () => {
    for (const command of ['warren ingest', 'warren worker']) {
      const rt = await createRuntime(config, {}, { embedded: true, command });
      expect(rt.describe.join('\n')).toContain(
        `${command}: the in-memory broker lives in this process only: no other process (warren ingest or worker --embedded) sees its jobs; warren dev runs an ingest and a worker on one`,
      );
      await rt.close();
    }
    const dev = await createRuntime(config, {}, { embedded: true });
    expect(dev.describe.join('\n')).not.toContain('this process only');
    await dev.close();
  });

  it("hands the config's queues to the in-memory broker: maxLength refuses (429), maxPriority orders", async () => {
    const queues = { limited: { maxLength: 1 }, prio: { type: 'classic' as const, maxPriority: 5 } };
    const rt = await createRuntime(defineConfig({ tasks: [], queues }), {}, { embedded: true });
    const publisher = rt.publishers.get('local')!;
    try {
      await publisher.publish('limited', makeJob({ queue: 'limited' }));
      await expect(publisher.publish('limited', makeJob({ queue: 'limited' }))).rejects.toBeInstanceOf(
        QueueFullError,
      );
      for (const priority of [1, 5, 3]) await publisher.publish('prio', makeJob({ queue: 'prio', priority }));
      const seen: (number | undefined)[] = [];
      await rt.consumer.consume('prio', async (d) => {
        seen.push(d.job.priority);
        await d.ack();
      });
      await eventually(() => seen.length === 3);
      expect(seen).toEqual([5, 3, 1]);
    } finally {
      await rt.close();
    }
  });
});

describe('RABBITMQ_WEIGHTS', () => {
  const config = defineConfig({ tasks: [] });
  const env = { RABBITMQ_URL: 'amqp://127.0.0.1:1,amqp://127.0.0.1:2', REDIS_URL: 'redis://127.0.0.1:6379' };
  it.each(['1,x', '1,-2', '0,0', '1,,2'])('refuses %s before connecting', async (weights) => {
    await expect(createRuntime(config, { ...env, RABBITMQ_WEIGHTS: weights })).rejects.toThrow(
      /RABBITMQ_WEIGHTS: /,
    );
  });

  // Both were dropped without a word: the nodes got equal shares.
  it('refuses weights the strategy would ignore (RABBITMQ_STRATEGY left at round-robin)', async () => {
    await expect(createRuntime(config, { ...env, RABBITMQ_WEIGHTS: '3,1' })).rejects.toThrow(
      'RABBITMQ_WEIGHTS: used by RABBITMQ_STRATEGY=weighted-round-robin only (the strategy is round-robin)',
    );
  });

  it.each(['3', '3,1,1'])('refuses %s, a weight count other than the 2 nodes of RABBITMQ_URL', async (w) => {
    const weighted = { ...env, RABBITMQ_STRATEGY: 'weighted-round-robin', RABBITMQ_WEIGHTS: w };
    await expect(createRuntime(config, weighted)).rejects.toThrow(
      `RABBITMQ_WEIGHTS: ${w.split(',').length} weight(s) for 2 nodes of RABBITMQ_URL (one per node, in its order)`,
    );
  });
});
