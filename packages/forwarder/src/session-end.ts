import { LEASE_PREFIX, leaseName } from './source-lease';

export type SessionEnd =
  | { kind: 'error'; error: Error }
  | { kind: 'standby'; error: Error }
  | { kind: 'stopped' };

/** How a failure ends the session of link `link` consuming `queue`. */
export function failureEnd(err: unknown, where: string, link: string, queue: string): SessionEnd {
  const error = err instanceof Error ? err : new Error(String(err));
  const m = error.message;
  const lease = leaseName(link);
  // Only the lease being taken means another instance of this link runs; any other refusal is an error.
  if (/RESOURCE.LOCKED/.test(m) && namesLease(m, lease)) {
    return { kind: 'standby', error: new Error(`another instance holds the lease ${lease}`) };
  }
  if (/ACCESS.REFUSED/.test(m) && /in exclusive use/.test(m)) {
    // The exclusive consume refused: someone else (a worker?) consumes the source queue.
    const why = `queue ${queue} has other consumers; the forwarder needs exclusive use`;
    return { kind: 'error', error: new Error(`${where}: ${why} (${m})`) };
  }
  return { kind: 'error', error: new Error(`${where}: ${m}`) };
}

/**
 * Whether a RESOURCE_LOCKED refusal names the lease queue. RabbitMQ's reply text is clipped to 255
 * bytes, so a long lease name may come cut short (`...`) after `locked queue '`: then its start must match
 * (a source queue locked by another connection never starts with the lease prefix).
 */
function namesLease(message: string, lease: string): boolean {
  if (message.includes(lease)) return true;
  const at = message.indexOf("locked queue '");
  if (at < 0) return false;
  // Clipped: `...` where the text was cut, then amqplib's closing quote.
  const named = message
    .slice(at + "locked queue '".length)
    .replace(/"$/, '')
    .replace(/\.\.\.$/, '');
  return !named.includes("'") && named.length >= LEASE_PREFIX.length && lease.startsWith(named);
}
