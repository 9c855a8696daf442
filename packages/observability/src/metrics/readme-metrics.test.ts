import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logs/create-logger';
import { createObservability } from '../observe';

const README = resolve(import.meta.dirname, '../../README.md');

/** The README's metrics table: each documented name (`a_{b,c}_total` expanded) with its labels. */
function documented(): Map<string, string[]> {
  const text = readFileSync(README, 'utf8');
  const table = text.slice(text.indexOf('## Metrics'), text.indexOf('\n## ', text.indexOf('## Metrics') + 1));
  const out = new Map<string, string[]>();
  for (const line of table.split('\n').filter((l) => l.startsWith('| `'))) {
    const [names, , labels] = line
      .split('|')
      .slice(1)
      .map((c) => c.trim());
    // "op, error (unavailable/refused)": the label names, without what the parentheses say.
    const labelNames = labels!
      .replace(/\([^)]*\)/g, '')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const [, name] of names!.matchAll(/`([^`]+)`/g)) {
      const m = /^(.*)\{([^}]+)\}(.*)$/.exec(name!);
      for (const n of m ? m[2]!.split(',').map((p) => `${m[1]}${p}${m[3]}`) : [name!]) out.set(n, labelNames);
    }
  }
  return out;
}

describe('observability README metrics table', () => {
  it('names every metric warren registers, with its labels, and no other', async () => {
    // createMetrics' metrics and those createObservability adds (warren_region_broker_connected).
    const { registry } = createObservability({
      config: defineConfig({ tasks: [] }),
      logger: createLogger({ level: 'silent' }),
    });
    const registered = new Map(
      registry.getMetricsAsArray().map((m) => {
        const labels = (m as unknown as { labelNames: string[] }).labelNames;
        return [m.name, [...labels].sort()] as const;
      }),
    );
    const docs = documented();
    expect(registered.size).toBeGreaterThan(10); // the scan found them at all
    expect([...docs.keys()].sort()).toEqual([...registered.keys()].sort());
    for (const [name, labels] of registered)
      expect({ name, labels: [...docs.get(name)!].sort() }).toEqual({ name, labels });
  });
});
