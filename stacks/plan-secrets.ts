import type { WarrenConfig } from '@warren/core';
import { type BrokerSource, SECRET } from './functions/shared/deploy-env';
import type { SecretPlan } from './plan-types';

/** The secrets the deployment declares, each with what to set it to. */
export function secretsFor(config: WarrenConfig, sources: Map<string, BrokerSource>): SecretPlan[] {
  const secrets: SecretPlan[] = [
    {
      name: SECRET.apiKeys,
      purpose: 'comma-separated API keys for the ingest (`key` or `key:task-pattern|pattern`)',
      // Keys listed in the config already satisfy the ingest; the secret may then stay empty.
      ...(config.auth.keys.length > 0 ? { placeholder: '' } : {}),
    },
    { name: SECRET.upstashUrl, purpose: 'Upstash Redis REST URL (results)' },
    { name: SECRET.upstashToken, purpose: 'Upstash Redis REST token (results)' },
  ];
  for (const [region, s] of sources) {
    if (s.kind === 'secret') {
      secrets.push({
        name: s.secret,
        purpose: `comma-separated amqps:// node URLs of region ${region}'s broker`,
      });
    }
  }
  if ([...sources.values()].some((s) => s.kind === 'amazon-mq')) {
    secrets.push(
      { name: SECRET.mqUsername, purpose: 'Amazon MQ broker user name' },
      { name: SECRET.mqPassword, purpose: 'Amazon MQ broker password (12+ characters)' },
    );
  }
  return secrets;
}
