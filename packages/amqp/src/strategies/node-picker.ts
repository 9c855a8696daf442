export type StrategyName = 'round-robin' | 'weighted-round-robin' | 'health-based' | 'random';

/** What the picker knows about one node (kept up to date by connects and health checks). */
export interface NodeState {
  url: string;
  weight: number;
  /** Result of the last health check or connect attempt; undefined = never checked. */
  healthy?: boolean;
  /** Latency of the last successful check (connect + cheap op), ms. */
  latencyMs?: number;
  checkedAt?: number;
}

export interface NodePicker {
  /** Index of the node to try next; `exclude` (e.g. the node that just failed) is avoided if possible. */
  pick(nodes: readonly NodeState[], exclude?: ReadonlySet<number>): number;
}

const candidates = (nodes: readonly NodeState[], exclude?: ReadonlySet<number>) => {
  const all = nodes.map((_, i) => i);
  const left = exclude ? all.filter((i) => !exclude.has(i)) : all;
  return left.length > 0 ? left : all;
};

function roundRobin(): NodePicker {
  let next = 0;
  return {
    pick(nodes, exclude) {
      const ok = new Set(candidates(nodes, exclude));
      for (let k = 0; k < nodes.length; k++) {
        const i = (next + k) % nodes.length;
        if (ok.has(i)) {
          next = i + 1;
          return i;
        }
      }
      return 0;
    },
  };
}

/** nginx's smooth weighted round-robin: exact proportions, no bursts of one node. */
function weightedRoundRobin(): NodePicker {
  const current: number[] = [];
  return {
    pick(nodes, exclude) {
      const ok = candidates(nodes, exclude);
      let total = 0;
      let best = ok[0]!;
      for (const i of ok) {
        const w = nodes[i]!.weight;
        current[i] = (current[i] ?? 0) + w;
        total += w;
        if (current[i]! > current[best]!) best = i;
      }
      current[best] = current[best]! - total;
      return best;
    },
  };
}

function random(rand: () => number): NodePicker {
  return {
    pick(nodes, exclude) {
      const ok = candidates(nodes, exclude);
      return ok[Math.floor(rand() * ok.length)]!;
    },
  };
}

/**
 * Nodes that passed their last check first, fastest first; never-checked nodes after them;
 * failed ones last (still tried when nothing else is left). Ties rotate so load spreads.
 */
function healthBased(): NodePicker {
  const rr = roundRobin();
  const rank = (n: NodeState) => (n.healthy === true ? 0 : n.healthy === undefined ? 1 : 2);
  return {
    pick(nodes, exclude) {
      const ok = candidates(nodes, exclude);
      const bestRank = Math.min(...ok.map((i) => rank(nodes[i]!)));
      const tier = ok.filter((i) => rank(nodes[i]!) === bestRank);
      if (bestRank === 0) {
        const fastest = Math.min(...tier.map((i) => nodes[i]!.latencyMs ?? Number.POSITIVE_INFINITY));
        // Within 20 % (or 2 ms) of the fastest counts as equally fast: local jitter is not a signal.
        const near = tier.filter(
          (i) => (nodes[i]!.latencyMs ?? Number.POSITIVE_INFINITY) <= Math.max(fastest * 1.2, fastest + 2),
        );
        if (near.length === 1) return near[0]!;
        return rr.pick(nodes, new Set(nodes.map((_, i) => i).filter((i) => !near.includes(i))));
      }
      return rr.pick(nodes, new Set(nodes.map((_, i) => i).filter((i) => !tier.includes(i))));
    },
  };
}

export function createPicker(strategy: StrategyName, rand: () => number = Math.random): NodePicker {
  switch (strategy) {
    case 'round-robin':
      return roundRobin();
    case 'weighted-round-robin':
      return weightedRoundRobin();
    case 'random':
      return random(rand);
    case 'health-based':
      return healthBased();
  }
}
