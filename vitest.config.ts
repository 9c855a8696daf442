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
  'test/worker/memory-alarm-acks.int.test.ts',
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
 * What a test file must not do to share its worker's module graph with other files: mock modules
 * (vi.mock, Pulumi's setMocks), fake timers, stub or set the environment, add process handlers,
 * start or signal processes (itself, workers, a CLI, Python, RabbitMQ nodes, private Redis), use
 * the pid as a name, or register global telemetry (OpenTelemetry, prom-client). A file that does
 * any of it, even through a helper it names, keeps a module graph of its own (vitest's default
 * isolation). Servers in the file's own process are no reason: local-aws-sqs (startLocalSqs; its
 * queues live in that server, a second server in the process sees none) and the TCP and AMQP
 * frame proxies (startTcpProxy, startAmqpFrameProxy) are closed by the file and hold no globals.
 */
const SHARES_STATE =
  /vi\.mock|vi\.doMock|resetModules|useFakeTimers|setSystemTime|stubEnv|stubGlobal|process\.env\.[A-Z_]+ =|process\.on\(|child_process|spawn|execFile|fork\(|bin\/warren|RabbitHarness|private-redis|frozen-lambda|thawed-ingest|celery|python|process\.pid|process\.kill|opentelemetry|prom-client|setMocks|pulumi|Mocks/;

const ROOT = import.meta.dirname;
/** `dir`'s test files, recursively, as paths from the root. */
const testFiles = (dir: string): string[] =>
  readdirSync(`${ROOT}/${dir}`, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules/'))
    .map((f) => `${dir}/${f}`);

/**
 * The files that need no isolation (none of SHARES_STATE): ~200 of the ~430. Isolated, each file
 * evaluated its imports (zod, hono, amqplib, ioredis, the packages' module graphs) again, ~0.3 s
 * of CPU apiece; sharing, a worker imports each module once. Measured on 2 cores, 4 workers:
 * 106 of them 81 s wall / 82 CPU-s -> 44 s / 42 CPU-s, 100 others 33 s / 41 CPU-s -> 17 s /
 * 17.5 CPU-s, every test passing, also all in one worker in shuffled file orders.
 */
const SHARED_MODULE_FILES = [
  ...readdirSync(`${ROOT}/packages`).flatMap((pkg) => testFiles(`packages/${pkg}/src`)),
  ...['test', 'stacks', 'bench/lib'].flatMap(testFiles),
]
  .filter((f) => !SHARES_STATE.test(readFileSync(`${ROOT}/${f}`, 'utf8')))
  .sort();

const common = {
  testTimeout: 30_000,
  // Hooks that boot extra RabbitMQ nodes may first wait for another file's boot (rabbit-boot.ts).
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    // The root's global setup runs once, before the files of either project.
    globalSetup: ['./test/support/global-setup.ts'],
    // Most files wait on brokers, not on the CPU: run more files at once than this 2-core box's
    // default (cores - 1), each on its own ports and queue names.
    maxWorkers: 4,
    // The minute-long files start first, so none of them is the run's tail.
    sequence: { sequencer: LongPolesFirst },
    projects: [
      {
        test: {
          ...common,
          name: 'shared',
          include: SHARED_MODULE_FILES,
          isolate: false,
        },
      },
      {
        test: {
          ...common,
          name: 'isolated',
          include: INCLUDE,
          exclude: [...configDefaults.exclude, ...SHARED_MODULE_FILES],
        },
      },
    ],
  },
});
