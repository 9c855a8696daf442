/** `amqp://user:pass@host:5672/vh` → `amqp://host:5672/vh`: provenance and logs never carry credentials. */
export { bareUrl as redactUrl } from '@warren/core';

/**
 * A region-like name for a broker URL when the link does not name one: `host:port`. It goes into
 * the envelope's `hops`, which a worker checks as a region name (letters, digits, `._:-`, a letter
 * or digit first, 128 at most): an IPv6 host loses its brackets and `::1` is written `0::1`.
 */
export function regionFromUrl(url: string | undefined): string {
  if (!url) return 'unknown';
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1').replace(/^:/, '0:');
    return `${host}:${u.port || (u.protocol === 'amqps:' ? '5671' : '5672')}`
      .slice(-128)
      .replace(/^[^a-zA-Z0-9]+/, '');
  } catch {
    return 'unknown';
  }
}
