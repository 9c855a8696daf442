import type { AmqpBroker } from '@warren/amqp';
import { ConfigError, type WarrenConfig } from '@warren/core';
import { brokerFromEnv } from './broker-from-env';
import { hasBroker } from './require-services';
import { settleWithin } from './within';

/**
 * This region's RabbitMQ (RABBITMQ_URL, or the config's brokers; the first configured when the
 * region has none) for one-shot operator commands (`warren dlq`, `warren parked`): runs `fn` and
 * closes it. `missing` ends the ConfigError when no broker is configured.
 */
export async function withRegionBroker<T>(
  command: string,
  config: WarrenConfig,
  env: NodeJS.ProcessEnv,
  missing: string,
  fn: (broker: AmqpBroker) => Promise<T>,
): Promise<T> {
  if (!hasBroker(config, env))
    throw new ConfigError(
      `${command}: no broker (set RABBITMQ_URL, or regions[].brokers in the config${missing})`,
    );
  // TCP_NODELAY: a dead-letter replay acks a letter, then publishes its job, on one connection
  // (with Nagle each publish waited ~40 ms for the ack's delayed TCP ACK: OpenOptions.noDelay).
  const rt = await brokerFromEnv(config, env, undefined, {}, undefined, { noDelay: true });
  try {
    const broker = rt.brokers.get(config.region) ?? rt.brokers.values().next().value;
    if (!broker) throw new ConfigError(`${command}: no RabbitMQ configured`);
    return await fn(broker);
  } finally {
    await settleWithin(rt.close(), 10_000, 'broker close');
  }
}
