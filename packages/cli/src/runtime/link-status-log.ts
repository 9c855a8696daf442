import type { LinkStatus } from '@warren/forwarder';

/**
 * One link's periodic status line for `warren forward`. A link backing off between restarts is
 * failing: warn, so it stands out among the routine lines. Standby says why (another instance
 * holds the link), and the dead-letter count and last reason show poison messages without the
 * metrics port.
 */
export function linkStatusLog(s: LinkStatus): { level: 'info' | 'warn'; fields: Record<string, unknown> } {
  return {
    level: s.state === 'backoff' ? 'warn' : 'info',
    fields: {
      link: s.name,
      state: s.state,
      forwarded: s.forwarded,
      inFlight: s.inFlight,
      lag: s.lag,
      deadLettered: s.deadLettered,
      restarts: s.restarts,
      standby: s.state === 'standby' ? s.standby : undefined,
      lastDeadLetter: s.lastDeadLetter,
      lastError: s.lastError,
    },
  };
}
