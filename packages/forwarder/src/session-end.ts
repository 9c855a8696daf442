import { leaseName } from './source-lease';

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
  if (/RESOURCE.LOCKED/.test(m) && m.includes(lease)) {
    return { kind: 'standby', error: new Error(`another instance holds the lease ${lease}`) };
  }
  if (/ACCESS.REFUSED/.test(m) && /in exclusive use/.test(m)) {
    // The exclusive consume refused: someone else (a worker?) consumes the source queue.
    const why = `queue ${queue} has other consumers; the forwarder needs exclusive use`;
    return { kind: 'error', error: new Error(`${where}: ${why} (${m})`) };
  }
  return { kind: 'error', error: new Error(`${where}: ${m}`) };
}
