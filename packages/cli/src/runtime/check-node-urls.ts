import { ConfigError, redactUrl } from '@warren/core';

const SCHEME = /^amqps?:\/\//i;

/**
 * Refuses a broker node URL amqplib cannot use, before connecting, naming where it came from
 * (`RABBITMQ_URL`, `regions.<id>.brokers`). Such a node only ever failed to connect: alone, with
 * amqplib's 'Expected amqp: or amqps: as the protocol; got ' (a password with an unencoded #, /
 * or ?); beside good nodes, silently, until a failover found the cluster one node short.
 */
export function checkNodeUrls(source: string, urls: readonly string[]): void {
  urls.forEach((url, i) => {
    const entry = urls.length > 1 ? ` entry ${i + 1} of ${urls.length}` : '';
    // Not echoed: without a scheme, a user:password@ in it would not be recognised to mask.
    if (!SCHEME.test(url)) throw new ConfigError(`${source}:${entry} is not an amqp:// or amqps:// URL`);
    if (!URL.canParse(url))
      throw new ConfigError(
        `${source}:${entry} ${redactUrl(url)} is not a valid URL: percent-encode reserved characters in its user name and password (# as %23, / as %2F, ? as %3F, @ as %40, % as %25)`,
      );
  });
}
