import type { Region } from '@warren/core';
import { type BrokerSource, SECRET } from './functions/shared/deploy-env';
import { pascal } from './plan-shared';

/* Where each region's broker URLs come from at runtime, and the secrets that takes. */

/** A region's broker source; what is wrong with the region's broker settings goes to `problems`. */
export function brokerSource(r: Region, i: number, problems: string[]): BrokerSource {
  const prefix = pascal(r.id);
  if (r.amazonMq) {
    if (r.brokers.length > 0) {
      problems.push(`regions[${i}] (${r.id}): brokers and amazonMq both set; keep one`);
    }
    if (r.amazonMq.deploymentMode === 'cluster' && /^mq\.t3\./.test(r.amazonMq.instanceType)) {
      problems.push(
        `regions[${i}].amazonMq: ${r.amazonMq.instanceType} supports only deploymentMode "single"; use mq.m5.large or larger for a cluster`,
      );
    }
    if (!r.amazonMq.publiclyAccessible) {
      problems.push(
        `regions[${i}].amazonMq.publiclyAccessible: false needs the functions inside the broker's VPC, which the stacks do not wire; keep it true (TLS and the broker user still apply)`,
      );
    }
    return {
      kind: 'amazon-mq',
      endpoint: `{ref:${prefix}Broker.endpoint}`,
      usernameSecret: SECRET.mqUsername,
      passwordSecret: SECRET.mqPassword,
    };
  }
  if (r.brokers.length === 0) return { kind: 'secret', secret: `WarrenBrokers${prefix}` };
  r.brokers.forEach((url, j) => {
    if (new URL(url).password) {
      problems.push(
        `regions[${i}].brokers[${j}] holds a password: remove the region's brokers from the config and set the secret WarrenBrokers${prefix} instead`,
      );
    }
  });
  return { kind: 'config' };
}

/** The secrets a function must link to reach the brokers of `sources`. */
export function brokerSecrets(sources: Map<string, BrokerSource>): string[] {
  const out = new Set<string>();
  for (const s of sources.values()) {
    if (s.kind === 'secret') out.add(s.secret);
    if (s.kind === 'amazon-mq') {
      out.add(s.usernameSecret);
      out.add(s.passwordSecret);
    }
  }
  return [...out];
}
