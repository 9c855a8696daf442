import type { AddressInfo } from 'node:net';
import { createAmqpBroker } from '@warren/amqp';
import { createProducer, type ProducerDeps, uuidv7, type WarrenConfig } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createRedisResultStore, type RedisResultStoreOptions, type TcpResultStore } from '@warren/results';
import type { PrivateRedis } from '../support/private-redis';
import { AMQP_URL, cleanUpRun } from './support';

/**
 * The Node ingest over RabbitMQ :5672 and a private redis-server the test stops, freezes or
 * restarts (records under `<run>:`), connected to it before the test does anything to it.
 */
export async function startIngestOnPrivateRedis(
  config: WarrenConfig,
  run: string,
  queue: string,
  redis: PrivateRedis,
  opts: Pick<RedisResultStoreOptions, 'redisOptions'> & Pick<ProducerDeps, 'onRecordError'> = {},
): Promise<{ url: string; results: TcpResultStore; close(): Promise<void> }> {
  const broker = createAmqpBroker({ urls: [AMQP_URL], queues: config.queues });
  await broker.connect();
  const results = createRedisResultStore({
    redis: redis.url,
    prefix: `${run}:`,
    redisOptions: opts.redisOptions,
  });
  await results.get(uuidv7()); // connected before the outage
  const publishers = new Map([['local', broker.publisher]]);
  const producer = createProducer({ config, publishers, results, onRecordError: opts.onRecordError });
  const server = await serveNode(createIngestApp({ config, producer, results }), 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    results,
    async close() {
      server.close();
      await results.close();
      await broker.close();
      await cleanUpRun(queue, undefined, '');
    },
  };
}
