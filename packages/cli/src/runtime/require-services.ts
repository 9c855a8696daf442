import { parseNodeUrls } from '@warren/amqp';
import { ConfigError, type WarrenConfig } from '@warren/core';

/**
 * Whether the environment or config names a RabbitMQ cluster (else brokerFromEnv embeds one).
 * Read as brokerFromEnv reads it: `RABBITMQ_URL=$A,$B` with both unset is ',' and names no node.
 */
export const hasBroker = (config: WarrenConfig, env: NodeJS.ProcessEnv): boolean =>
  parseNodeUrls(env.RABBITMQ_URL).length > 0 || config.regions.some((r) => r.brokers.length > 0);

/** Whether the environment names a result store (else resultsFromEnv embeds one). */
export const hasResultStore = (env: NodeJS.ProcessEnv): boolean =>
  !!env.REDIS_URL || !!(env.UPSTASH_REDIS_REST_URL || env.UPSTASH_REDIS_REST_TOKEN);

/**
 * Production commands refuse the embedded in-memory broker and store: with a forgotten
 * RABBITMQ_URL an ingest would answer 202 and the job would vanish with the process.
 */
export function requireServices(config: WarrenConfig, env: NodeJS.ProcessEnv, command: string): void {
  const missing: string[] = [];
  if (!hasBroker(config, env))
    missing.push('no broker (set RABBITMQ_URL, or regions[].brokers in the config)');
  if (!hasResultStore(env))
    missing.push('no result store (set REDIS_URL, or UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN)');
  if (missing.length === 0) return;
  throw new ConfigError(
    `${command}: ${missing.join('; ')}. Pass --embedded to run on the in-memory broker and store ` +
      '(jobs are lost when the process exits; `warren dev` does this by default).',
  );
}
