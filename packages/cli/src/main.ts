import { Command, InvalidArgumentError, Option } from 'commander';
import { dev } from './commands/dev';
import { dlqCommand } from './commands/dlq-command';
import { enqueue } from './commands/enqueue';
import { forward } from './commands/forward';
import { ingest } from './commands/ingest';
import { parked } from './commands/parked';
import { redisRest } from './commands/redis-rest';
import { status } from './commands/status';
import { worker } from './commands/worker';
import { InterruptedError } from './runtime/stop-on-signal';
import { exitOnUsageError, USAGE_EXIT_CODE, UsageError } from './runtime/usage-exit';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};
// 0 is a delay the HTTP API and the SDK take (run now). An empty value is refused, not read as 0.
const delayMs = (v: string) => {
  const n = Number(v);
  if (!v.trim() || !Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('must be an integer of 0 or more');
  return n;
};
// A timer holds at most 2^31 - 1 ms; past it setTimeout fires after 1 ms (a deadline hit at once,
// a --watch redrawing every millisecond).
const ms = (v: string) => {
  const n = int(v);
  if (n > 2_147_483_647) throw new InvalidArgumentError('must be at most 2147483647');
  return n;
};
const port = (v: string) => {
  const n = int(v);
  if (n > 65535) throw new InvalidArgumentError('must be a port (1-65535)');
  return n;
};
// Numeric variables go through the same parser as the flag: commander names the variable on error.
const portOption = (flags: string, desc: string, envVar: string, fallback?: number) => {
  const o = new Option(flags, desc).env(envVar).argParser(port);
  return fallback === undefined ? o : o.default(fallback);
};
const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const EMBEDDED =
  'without RABBITMQ_URL / REDIS_URL, use the in-memory broker and store (jobs are lost on exit)';

// Long-running commands exit 1 when shutdown hangs past this (the worker's follows its config).
const shutdownTimeout = (dflt = '30000') =>
  new Option('--shutdown-timeout <ms>', `exit 1 if shutdown takes longer (default ${dflt})`)
    .env('WARREN_SHUTDOWN_TIMEOUT_MS')
    .argParser(ms);
// Read through .env(), not as a default value: commander prints a default in --help, and
// these may hold a secret (the key, or credentials in the URL).
const urlOption = () =>
  new Option('-u, --url <url>', 'ingest URL').env('WARREN_URL').default('http://localhost:8787');
const apiKeyOption = () => new Option('-k, --api-key <key>', 'API key').env('WARREN_API_KEY');
const DEV_HOST = 'listen address (default 127.0.0.1 while no API keys are configured, else 0.0.0.0)';
const METRICS_PORT = 'serve /metrics, /status.json and /healthz on this port';

const program = new Command('warren').description('job orchestration for serverless and edge apps');

program
  .command('dev')
  .description(
    'ingest + in-process worker (in-memory broker and results unless RABBITMQ_URL/REDIS_URL are set)',
  )
  .addOption(portOption('-p, --port <n>', 'listen port', 'PORT', 8787))
  .addOption(new Option('--host <addr>', DEV_HOST).env('WARREN_HOST'))
  .option('--no-worker', 'run the ingest only')
  .addOption(shutdownTimeout('30000; with a worker: its drain + 10000'))
  .action((o) => dev({ port: o.port, host: o.host, worker: o.worker, shutdownTimeoutMs: o.shutdownTimeout }));

program
  .command('ingest')
  .description('production ingest server (refuses to start without API keys, RABBITMQ_URL and REDIS_URL)')
  .addOption(portOption('-p, --port <n>', 'listen port', 'PORT', 8787))
  .option('--embedded', EMBEDDED)
  .addOption(shutdownTimeout())
  .action((o) => ingest({ port: o.port, embedded: o.embedded, shutdownTimeoutMs: o.shutdownTimeout }));

program
  .command('worker')
  .description('long-running worker (refuses to start without RABBITMQ_URL and REDIS_URL)')
  .option(
    '-q, --queues <list>',
    'comma-separated queues (default: worker.queues in the config, else every queue with a task here)',
    list,
  )
  .option('-c, --concurrency <n>', 'jobs in flight (default: worker.concurrency in the config, 16)', int)
  .addOption(portOption('--metrics-port <n>', METRICS_PORT, 'METRICS_PORT'))
  .option('--embedded', EMBEDDED)
  .action((o) =>
    worker({
      queues: o.queues,
      concurrency: o.concurrency,
      metricsPort: o.metricsPort,
      embedded: o.embedded,
    }),
  );

program
  .command('enqueue <task> [input]')
  .description('enqueue one job through the ingest HTTP API; input is JSON, - reads it from stdin')
  .addOption(urlOption())
  .addOption(apiKeyOption())
  .option('-d, --delay-ms <n>', 'run no earlier than this many ms from now', delayMs)
  .option('--queue <name>', 'override the task queue')
  .option('--idempotency-key <key>', 'a repeated key returns the first job')
  .option(
    '-w, --wait <ms>',
    'wait up to this long for the result and print it (exit 1 unless it succeeded)',
    ms,
  )
  .action((task, input, o) => enqueue(task, input, o));

program
  .command('redis-rest')
  .description(
    'local Upstash-REST-compatible endpoint over REDIS_URL (for @upstash/redis and the REST result store)',
  )
  .addOption(portOption('-p, --port <n>', 'listen port', 'REDIS_REST_PORT', 8079))
  .addOption(new Option('--host <addr>', 'listen address').env('HOST').default('127.0.0.1'))
  .option('-t, --token <token>', 'bearer token (default: UPSTASH_REDIS_REST_TOKEN or a random one, printed)')
  .action((o) => redisRest({ port: o.port, host: o.host, token: o.token }));

program
  .command('status')
  .description('regions, queues (depth, rates, recommended workers), links and recent failures of an ingest')
  .addOption(urlOption())
  .addOption(apiKeyOption())
  .option('--json', 'print the raw snapshot (for autoscalers and scripts)')
  .option('-w, --watch <ms>', 'redraw every <ms>', ms)
  .action((o) => status(o));

program
  .command('forward')
  .description('forward queues between regions and into SQS (links from config, or one ad-hoc link)')
  .option('--from <urls>', 'source cluster amqp URLs (comma-separated)', list)
  .option('--queue <q>', 'source queue')
  .option('--to <urls>', 'destination amqp URLs (comma-separated) or an SQS queue URL', list)
  .option('--to-queue <q>', 'destination queue (default: same name)')
  .option('--to-exchange <x>', 'destination exchange instead of a queue')
  .option('--prefetch <n>', 'unacked messages in flight per link', int)
  .option('--publish-channels <n>', 'confirm channels per AMQP destination (default 8; 1 keeps order)', int)
  .option('--region <id>', 'config mode: only links from this region')
  .option('--metrics-port <n>', METRICS_PORT, port)
  .option('--sqs-endpoint <url>', 'SQS endpoint override (local-aws-sqs)')
  .addOption(
    new Option(
      '--queue-type <type>',
      "ad-hoc link: the source queue's type, for a missing <queue>.dlq (default: the config's, else the broker's)",
    ).choices(['quorum', 'classic']),
  )
  .addOption(shutdownTimeout())
  .action((o) => forward(o));

program.addCommand(dlqCommand());

program
  .command('parked')
  .description(
    'delayed jobs RabbitMQ parked (warren.delay.parked) because their queue was gone when they fell due, by queue; --release sends those whose queue exists again back to it',
  )
  .option('--release', 'send the jobs of queues that exist again back to them (each removed once confirmed)')
  .option('--queue <q>', 'with --release: only this queue')
  .option('-n, --limit <n>', 'read at most this many parked jobs', int, 10_000)
  .option('--json', 'machine-readable report')
  .action((o) => parked({ release: o.release, queue: o.queue, limit: o.limit, json: o.json }));

exitOnUsageError(program);
program.parseAsync().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  // A command stopped by a signal exits 128 + its number, as a shell reports it.
  process.exit(
    err instanceof InterruptedError ? err.exitCode : err instanceof UsageError ? USAGE_EXIT_CODE : 1,
  );
});
