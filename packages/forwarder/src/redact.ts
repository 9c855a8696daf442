/** `amqp://user:pass@host:5672/vh` → `amqp://host:5672/vh`: provenance and logs never carry credentials. */
export { bareUrl as redactUrl } from '@warren/core';

/** A region-like name for a broker URL when the link does not name one: `host:port`. */
export function regionFromUrl(url: string | undefined): string {
  if (!url) return 'unknown';
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'amqps:' ? '5671' : '5672')}`;
  } catch {
    return 'unknown';
  }
}
