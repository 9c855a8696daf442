import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files that run longest (measured in a full run on 2 cores), longest first. They
 * start before everything else: vitest orders by the durations it cached on this machine, and
 * without that cache (a fresh CI checkout) by file size, which put the 2-minute sst type-check
 * (a small file) last, alone at the end of the run. (Defined here, not imported: vite warns on
 * an extensionless import in the config, and tsc refuses a `.ts` one.)
 */
const LONG_POLES = [
  'test/amqp/cluster-failover.int.test.ts',
  'test/forwarder/two-nodes.int.test.ts',
  'test/worker/long-running-faults.int.test.ts',
  'stacks/sst-typecheck.test.ts',
];

/** vitest's own order, with the files in LONG_POLES moved to the front. */
class LongPolesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONG_POLES.findIndex((p) => f.moduleId.endsWith(`/${p}`));
      return i === -1 ? LONG_POLES.length : i;
    };
    // Array.prototype.sort is stable: the other files keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'test/**/*.test.ts',
      'stacks/**/*.test.ts',
      'bench/lib/**/*.test.ts',
    ],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 30_000,
    // Hooks that boot extra RabbitMQ nodes may first wait for another file's boot (rabbit-boot.ts).
    hookTimeout: 180_000,
    // Most files wait on brokers, not on the CPU: run more files at once than this 2-core box's
    // default (cores - 1), each on its own ports and queue names.
    maxWorkers: 4,
    // The minute-long files start first, so none of them is the run's tail.
    sequence: { sequencer: LongPolesFirst },
  },
});
