import { applyEnv } from '@warren/cli';
import { defineConfig } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { ENV, resolveWarrenEnv, SECRET } from './deploy-env';

const catalogue = [
  { id: 'eu', location: { lat: 53, lon: -6 }, brokers: [] },
  { id: 'us', location: { lat: 39, lon: -77 }, brokers: [] },
  { id: 'ap', location: { lat: 1, lon: 103 }, brokers: ['amqps://mq.ap.example.com'] },
  { id: 'sa', location: { lat: -23, lon: -46 }, brokers: [] },
];
const env = {
  [ENV.region]: 'eu',
  [ENV.regions]: JSON.stringify(catalogue),
  [ENV.brokerSources]: JSON.stringify({
    eu: { kind: 'secret', secret: 'WarrenBrokersEu' },
    us: {
      kind: 'amazon-mq',
      endpoint: 'amqps://b-1.mq.us-east-1.amazonaws.com:5671',
      usernameSecret: SECRET.mqUsername,
      passwordSecret: SECRET.mqPassword,
    },
    ap: { kind: 'config' },
    sa: { kind: 'secret', secret: 'WarrenBrokersSa' },
  }),
};
const secrets: Record<string, string> = {
  WarrenBrokersEu: 'amqps://u:p@n1.eu.example.com, amqps://u:p@n2.eu.example.com',
  [SECRET.mqUsername]: 'warren',
  [SECRET.mqPassword]: 'p@ss/word:1234',
  [SECRET.apiKeys]: 'k'.repeat(20),
  [SECRET.upstashUrl]: 'https://eu1.upstash.io',
  [SECRET.upstashToken]: 'tok',
};

describe('resolveWarrenEnv: plan variables + linked secrets → the variables the runtime reads', () => {
  const out = resolveWarrenEnv(env, (n) => secrets[n]);
  const regions = JSON.parse(out[ENV.regions]!) as typeof catalogue;

  it('fills broker URLs from secrets, Amazon MQ endpoints with encoded credentials, keeps config URLs', () => {
    expect(regions.map((r) => r.brokers)).toEqual([
      ['amqps://u:p@n1.eu.example.com', 'amqps://u:p@n2.eu.example.com'],
      ['amqps://warren:p%40ss%2Fword%3A1234@b-1.mq.us-east-1.amazonaws.com:5671'],
      ['amqps://mq.ap.example.com'],
      [], // secret not linked to this function: that region stays without brokers
    ]);
  });

  it('maps keys and Upstash settings to their usual variable names', () => {
    expect(out[ENV.apiKeys]).toBe('k'.repeat(20));
    expect(out.UPSTASH_REDIS_REST_URL).toBe('https://eu1.upstash.io');
    expect(out.UPSTASH_REDIS_REST_TOKEN).toBe('tok');
  });

  it('the result is a config the CLI runtime accepts (applyEnv validates the catalogue)', () => {
    const cfg = applyEnv(defineConfig({ tasks: [] }), out as NodeJS.ProcessEnv);
    expect(cfg.region).toBe('eu');
    expect(cfg.regions.find((r) => r.id === 'us')?.brokers[0]).toMatch(/^amqps:\/\/warren:/);
    expect(cfg.auth.keys).toEqual([{ key: 'k'.repeat(20) }]);
  });

  it('an Amazon MQ user without its password is a clear error', () => {
    const { [SECRET.mqPassword]: _, ...partial } = secrets;
    expect(() => resolveWarrenEnv(env, (n) => partial[n])).toThrow(
      'secret WarrenMqPassword is not set (npx sst secret set WarrenMqPassword ...)',
    );
  });
});
