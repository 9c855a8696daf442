/**
 * The environment contract between the deploy plan (stacks/plan.ts, which sets these variables)
 * and the Lambda entry files (which read them). Plain JSON in environment variables: no SST SDK
 * is needed to read anything except the linked secrets, which the entry reads through
 * `Resource` from `sst/resource` and hands to `resolveWarrenEnv` as a lookup function.
 */
export const ENV = {
  /** This function's warren region id. */
  region: 'WARREN_REGION',
  /** The region catalogue (JSON array of regionSchema objects, brokers filled in at runtime). */
  regions: 'WARREN_REGIONS',
  /** Where each region's broker URLs come from (JSON `Record<regionId, BrokerSource>`). */
  brokerSources: 'WARREN_BROKER_SOURCES',
  /** Comma-separated API keys (`key` or `key:pattern|pattern`), from a linked secret. */
  apiKeys: 'WARREN_API_KEYS',
  /** Upstash REST endpoint and token for results, from linked secrets (names @upstash/redis reads). */
  upstashUrl: 'UPSTASH_REDIS_REST_URL',
  upstashToken: 'UPSTASH_REDIS_REST_TOKEN',
  /** Forward-drain function: JSON `ForwardLinkEnv[]`. */
  forwardLinks: 'WARREN_FORWARD_LINKS',
} as const;

/** Secret names (SST `sst.Secret` logical names; `npx sst secret set <name> <value>`). */
export const SECRET = {
  apiKeys: 'WarrenApiKeys',
  upstashUrl: 'WarrenUpstashUrl',
  upstashToken: 'WarrenUpstashToken',
  mqUsername: 'WarrenMqUsername',
  mqPassword: 'WarrenMqPassword',
} as const;

/**
 * A region's broker URLs: from a secret holding comma-separated URLs (external brokers), from an
 * Amazon MQ endpoint plus the MQ credential secrets, or listed in the config (no credentials).
 */
export type BrokerSource =
  | { kind: 'secret'; secret: string }
  | { kind: 'amazon-mq'; endpoint: string; usernameSecret: string; passwordSecret: string }
  | { kind: 'config' };

/** One forwarding link of a region's drain function. */
export interface ForwardLinkEnv {
  name: string;
  /** Source: this region's broker, this queue. */
  queue: string;
  from: string;
  to: { kind: 'sqs'; queueUrl: string; fifo: boolean; awsRegion: string } | { kind: 'amqp'; region: string };
}

export type SecretLookup = (name: string) => string | undefined;

/**
 * The variables warren's runtime reads (`applyEnv` in @warren/cli, the result store, the broker
 * adapters), built from the plan's variables and the linked secrets: broker URLs are written into
 * the region catalogue, keys and Upstash settings into their usual variable names.
 */
export function resolveWarrenEnv(
  env: Record<string, string | undefined>,
  secret: SecretLookup,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  const need = (name: string) => {
    const v = secret(name);
    if (v === undefined || v === '')
      throw new Error(`secret ${name} is not set (npx sst secret set ${name} ...)`);
    return v;
  };
  const keys = secret(SECRET.apiKeys);
  if (keys) out[ENV.apiKeys] = keys;
  const url = secret(SECRET.upstashUrl);
  const token = secret(SECRET.upstashToken);
  if (url) out[ENV.upstashUrl] = url;
  if (token) out[ENV.upstashToken] = token;
  const regionsJson = env[ENV.regions];
  if (regionsJson) {
    const regions = JSON.parse(regionsJson) as Array<{ id: string; brokers?: string[] }>;
    const sources = JSON.parse(env[ENV.brokerSources] ?? '{}') as Record<string, BrokerSource>;
    for (const r of regions) {
      const src = sources[r.id];
      if (!src || src.kind === 'config') continue;
      // Functions link only the secrets they need; regions they do not talk to keep an empty list.
      if (src.kind === 'secret') {
        const v = secret(src.secret);
        r.brokers = v ? splitUrls(v) : [];
      } else if (secret(src.usernameSecret) !== undefined) {
        r.brokers = [withCredentials(src.endpoint, need(src.usernameSecret), need(src.passwordSecret))];
      } else {
        r.brokers = [];
      }
    }
    out[ENV.regions] = JSON.stringify(regions);
  }
  return out;
}

function splitUrls(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function withCredentials(endpoint: string, username: string, password: string): string {
  const u = new URL(endpoint);
  u.username = encodeURIComponent(username);
  u.password = encodeURIComponent(password);
  return u.toString().replace(/\/$/, '');
}
