import { readdirSync, readFileSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files that run longest (measured in a full run on 2 cores), longest first. They
 * start before everything else: vitest orders by the durations it cached on this machine, and
 * without that cache (a fresh CI checkout) by file size, which put the 2-minute sst type-check
 * (a small file) last, alone at the end of the run. (Defined here, not imported: vite warns on
 * an extensionless import in the config, and tsc refuses a `.ts` one.)
 */
const LONG_POLES = [
  'packages/cli/src/commands/dlq-sqs.int.test.ts',
  'test/amqp/cluster-failover.int.test.ts',
  'test/ingest/lambda-api-gateway.int.test.ts',
  'test/forwarder/two-nodes.int.test.ts',
  'stacks/sst-typecheck.test.ts',
  'test/worker/connection-loss.int.test.ts',
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

const INCLUDE = [
  'packages/*/src/**/*.test.ts',
  'test/**/*.test.ts',
  'stacks/**/*.test.ts',
  'bench/lib/**/*.test.ts',
];

/**
 * What a unit test must not do to share its worker's module graph with other files: mock modules,
 * fake timers, stub or set the environment, add process handlers, start processes, or talk to the
 * real services (connections and queues left for the next file). A file that does any of it keeps
 * a module graph of its own (vitest's default isolation).
 */
const SHARES_STATE =
  /vi\.mock|vi\.doMock|resetModules|useFakeTimers|setSystemTime|stubEnv|stubGlobal|process\.env\.[A-Z_]+ =|process\.on\(|child_process|spawn|execFile|fork\(|bin\/warren|RabbitHarness|startLocalSqs|127\.0\.0\.1:|amqp:\/\/|redis:\/\//;

/**
 * The plain unit tests (packages' src, not *.int.test.ts, none of SHARES_STATE): ~100 files whose
 * imports (zod, hono, the packages' module graphs) were evaluated again for each file, ~0.25 s of
 * CPU apiece. Run without isolation a worker imports each module once: 41 -> 17.5 CPU-s for these
 * files on 2 cores (33 -> 17 s alone), all passing in one worker in shuffled file orders. A file
 * that comes to need isolation matches SHARES_STATE, or is named *.int.test.ts.
 */
const SHARED_MODULE_FILES = readdirSync(`${import.meta.dirname}/packages`)
  .flatMap((pkg) =>
    readdirSync(`${import.meta.dirname}/packages/${pkg}/src`, { recursive: true, encoding: 'utf8' }).map(
      (f) => `packages/${pkg}/src/${f}`,
    ),
  )
  .filter((f) => f.endsWith('.test.ts') && !f.endsWith('.int.test.ts'))
  .filter((f) => !SHARES_STATE.test(readFileSync(`${import.meta.dirname}/${f}`, 'utf8')))
  .sort();

const common = {
  testTimeout: 30_000,
  // Hooks that boot extra RabbitMQ nodes may first wait for another file's boot (rabbit-boot.ts).
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    // Most files wait on brokers, not on the CPU: run more files at once than this 2-core box's
    // default (cores - 1), each on its own ports and queue names.
    maxWorkers: 4,
    // The minute-long files start first, so none of them is the run's tail.
    sequence: { sequencer: LongPolesFirst },
    projects: [
      {
        test: {
          ...common,
          name: 'unit',
          include: SHARED_MODULE_FILES,
          isolate: false,
        },
      },
      {
        test: {
          ...common,
          name: 'int',
          include: INCLUDE,
          exclude: [...configDefaults.exclude, ...SHARED_MODULE_FILES],
          globalSetup: ['./test/support/global-setup.ts'],
        },
      },
    ],
  },
});
