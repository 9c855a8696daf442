import { regionFromUrl } from './redact';

/** The virtual host a broker URL names, as amqplib reads it (no path, or `/`, is the default `/`). */
function vhostOf(url: string): string | undefined {
  try {
    const path = new URL(url).pathname;
    return path.length > 1 ? decodeURIComponent(path.slice(1)) : '/';
  } catch {
    return undefined;
  }
}

/**
 * Whether two URLs reach the same queues: one host:port and one virtual host. A broker known by
 * two names is not caught here (the hop limit ends such a loop), two vhosts of one broker are apart.
 */
export function sameBroker(a: string, b: string): boolean {
  return regionFromUrl(a) === regionFromUrl(b) && vhostOf(a) === vhostOf(b);
}
