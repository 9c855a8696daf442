import { ForwardLink, type LinkOptions } from './link';
import type { LinkSpec, LinkStatus } from './types';

export interface Forwarder {
  readonly links: ForwardLink[];
  start(): void;
  stop(settleMs?: number): Promise<void>;
  status(): LinkStatus[];
}

/** Runs many links side by side in one process (`warren forward`). */
export function createForwarder(specs: LinkSpec[], opts: LinkOptions = {}): Forwarder {
  const names = new Set<string>();
  for (const s of specs) {
    if (names.has(s.name)) throw new Error(`forwarder: link ${s.name} is listed twice`);
    names.add(s.name);
  }
  const links = specs.map((s) => new ForwardLink(s, opts));
  return {
    links,
    start: () => {
      for (const l of links) l.start();
    },
    stop: async (settleMs) => {
      await Promise.all(links.map((l) => l.stop(settleMs)));
    },
    status: () => links.map((l) => l.status()),
  };
}
