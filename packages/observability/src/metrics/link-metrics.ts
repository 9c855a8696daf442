import { Counter, Gauge, type Registry } from 'prom-client';
import type { LinkStatusFn } from './types';

const LINK_STATES = ['starting', 'running', 'standby', 'idle', 'backoff', 'draining', 'stopped'];

/**
 * The forwarder's per-link metrics, read on scrape. One scrape reads the links once (the
 * metrics' collect hooks share the read of that turn).
 */
export function registerLinkMetrics(registers: Registry[], linkStatus: LinkStatusFn): void {
  let linksRead: ReturnType<LinkStatusFn> | undefined;
  const readLinks = async () => {
    linksRead ??= Promise.resolve(linkStatus()).finally(() => setTimeout(() => (linksRead = undefined), 0));
    return (await linksRead).map((l) => ({
      ...l,
      labels: { link: l.name, source: l.source, destination: l.destination },
    }));
  };
  const LINK = ['link', 'source', 'destination'];
  // Whether a link runs is the first thing to alert on: its counters only stop moving otherwise.
  new Gauge({
    name: 'warren_forwarder_link_state',
    help: "1 for each link's current state (starting, running, standby, idle: its source queue does not exist, backoff, draining, stopped), 0 for the others",
    labelNames: [...LINK, 'state'],
    registers,
    async collect() {
      this.reset();
      for (const l of await readLinks()) {
        if (l.state === undefined) continue;
        for (const state of new Set([...LINK_STATES, l.state]))
          this.set({ ...l.labels, state }, l.state === state ? 1 : 0);
      }
    },
  });
  new Counter({
    name: 'warren_forwarder_forwarded_total',
    help: 'Messages the forwarder moved and the destination confirmed, per link',
    labelNames: LINK,
    registers,
    async collect() {
      this.reset();
      for (const l of await readLinks()) this.inc(l.labels, l.forwarded);
    },
  });
  new Gauge({
    name: 'warren_forwarder_in_flight',
    help: 'Messages published to the destination and not yet confirmed, per link',
    labelNames: LINK,
    registers,
    async collect() {
      this.reset();
      for (const l of await readLinks()) this.set(l.labels, l.inFlight);
    },
  });
  // Poison messages and restarts are what to alert on; links that do not report them are left out.
  new Counter({
    name: 'warren_forwarder_dead_lettered_total',
    help: "Messages a link sent to its source queue's dead-letter queue (poison, loops, expired)",
    labelNames: LINK,
    registers,
    async collect() {
      this.reset();
      for (const l of await readLinks()) if (l.deadLettered !== undefined) this.inc(l.labels, l.deadLettered);
    },
  });
  new Counter({
    name: 'warren_forwarder_restarts_total',
    help: 'Times a link failed and started again',
    labelNames: LINK,
    registers,
    async collect() {
      this.reset();
      for (const l of await readLinks()) if (l.restarts !== undefined) this.inc(l.labels, l.restarts);
    },
  });
  new Gauge({
    name: 'warren_forwarder_lag_messages',
    help: 'Messages waiting in the source queue of a link',
    labelNames: LINK,
    registers,
    async collect() {
      this.reset();
      // Not known (not measured yet, or stale while the link does not run): no sample, never 0.
      for (const l of await readLinks()) if (l.lag !== undefined) this.set(l.labels, l.lag);
    },
  });
}
