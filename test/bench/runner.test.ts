import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/lib/cli-args';
import { summarize } from '../../bench/lib/profile';
import { median, runSuite } from '../../bench/lib/runner';
import { renderSvg } from '../../bench/lib/svg';
import { renderTable } from '../../bench/lib/table';
import { type BenchContext, BenchSkip, type BenchSuite } from '../../bench/lib/types';

const ctx = (logs: string[] = []): BenchContext => ({
  quick: true,
  rounds: 3,
  tmpDir: '/tmp',
  log: (m) => logs.push(m),
  progress: () => ({ tick() {}, stop() {} }),
});

describe('bench runner', () => {
  it('alternates sides A B A B, takes medians and checks goals per side', async () => {
    const order: string[] = [];
    const values = { w: [10, 30, 20], b: [10, 10, 10], p: [40, 40, 40] };
    const mk = (k: 'w' | 'b' | 'p') => async () => {
      order.push(k);
      return { rate: values[k][order.filter((x) => x === k).length - 1]! };
    };
    const suite: BenchSuite = {
      id: 's',
      title: 'S',
      metrics: [{ key: 'rate', label: 'rate', unit: '/s', better: 'higher', goal: 1.5, goals: { peer: 1 } }],
      sides: [
        { name: 'warren', role: 'warren', run: mk('w') },
        { name: 'base', role: 'baseline', run: mk('b') },
        { name: 'peer', role: 'peer', run: mk('p') },
      ],
    };
    const r = await runSuite(suite, ctx());
    expect(order.join('')).toBe('wbpwbpwbp');
    expect(r.sides[0]!.median.rate).toBe(20);
    expect(r.comparisons).toEqual([
      { metric: 'rate', warren: 'warren', against: 'base', ratio: 2, goal: 1.5, met: true },
      { metric: 'rate', warren: 'warren', against: 'peer', ratio: 0.5, goal: 1, met: false },
    ]);
    const table = renderTable([r], 3);
    expect(table).toContain('2.00×');
    expect(table).toContain('≥1× ✗');
    expect(renderSvg([r], 'x')).toContain('0.50× ✗');
  });

  it('reports a skipped side and a failing side, and the other sides still run', async () => {
    let peerRuns = 0;
    const suite: BenchSuite = {
      id: 's',
      title: 'S',
      metrics: [{ key: 'ms', label: 'ms', unit: 'ms', better: 'lower', goal: 1 }],
      sides: [
        { name: 'warren', role: 'warren', run: async () => ({ ms: 2 }) },
        {
          name: 'celery',
          role: 'peer',
          setup: async () => {
            throw new BenchSkip('no python3-celery');
          },
          run: async () => ({ ms: 1 }),
        },
        {
          name: 'broken',
          role: 'baseline',
          run: async () => {
            peerRuns++;
            throw new Error('boom');
          },
        },
      ],
    };
    const r = await runSuite(suite, ctx());
    expect(r.status).toBe('ok');
    expect(r.sides.map((s) => [s.status, s.reason])).toEqual([
      ['ok', undefined],
      ['skipped', 'no python3-celery'],
      ['failed', 'boom'],
    ]);
    expect(peerRuns).toBe(1);
    expect(r.sides[0]!.samples.ms).toEqual([2, 2, 2]);
    expect(renderTable([r], 3)).toContain('skipped: no python3-celery');
  });

  it('a suite whose setup throws BenchSkip is skipped as a whole', async () => {
    const r = await runSuite(
      {
        id: 's',
        title: 'S',
        metrics: [],
        setup: async () => {
          throw new BenchSkip('needs AWS');
        },
        sides: [],
      },
      ctx(),
    );
    expect([r.status, r.reason]).toEqual(['skipped', 'needs AWS']);
  });

  it('parses args: at least 3 rounds, comma lists', () => {
    expect(parseBenchArgs(['--quick', '--only', 'a,b', '--only', 'c', '--rounds', '1'])).toEqual({
      quick: true,
      rounds: 3,
      only: ['a', 'b', 'c'],
      profile: false,
      cpu: false,
      help: false,
    });
    expect(parseBenchArgs(['--rounds', '5']).rounds).toBe(5);
    expect(parseBenchArgs(['--cpu']).cpu).toBe(true);
    expect(() => parseBenchArgs(['--nope'])).toThrow();
  });

  it('median and profile summary', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const p = summarize(
      {
        nodes: [
          {
            id: 1,
            callFrame: { functionName: 'publish', url: 'file:///w/packages/amqp/src/p.ts', lineNumber: 0 },
          },
          {
            id: 2,
            callFrame: { functionName: 'parse', url: 'file:///w/node_modules/zod/v4/x.js', lineNumber: 9 },
          },
        ],
        samples: [1, 2, 2],
        timeDeltas: [1000, 1000, 2000],
      },
      'f',
    );
    expect(p.stages.map((s) => [s.name, s.ms])).toEqual([
      ['zod', 3],
      ['@warren/amqp', 1],
    ]);
  });
});
