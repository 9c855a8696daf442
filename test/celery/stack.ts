import {
  type AmqpBroker,
  cancelOnCeleryRevoke,
  celeryRevokeOnCancel,
  createAmqpBroker,
  createCeleryCodec,
  listenForCeleryRevokes,
  RevokedIds,
  skipRevokedCeleryTasks,
} from '@warren/amqp';
import {
  createProducer,
  defineConfig,
  defineTask,
  type ExecutionEvent,
  type WarrenConfig,
} from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import {
  type CeleryResultStore,
  celeryRefusalSink,
  createRedisResultStore,
  withCeleryResults,
} from '@warren/results';
import { createWorker, type Worker } from '@warren/worker';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { add } from '../../examples/tasks';
import { isListening } from '../support/ports';

/**
 * warren's side of the interop tests, all real: RabbitMQ :5672 (two classic celery-protocol
 * queues, unique per run), Redis :6379 (warren records under a run prefix, Celery metas under
 * celery-task-meta-<uuid>), the ingest on a port in 28500-28599 and a TypeScript worker
 * consuming only the `celery` queue.
 */
export interface CeleryStack {
  run: string;
  celeryQueue: string;
  pythonQueue: string;
  base: string;
  config: WarrenConfig;
  broker: AmqpBroker;
  redis: Redis;
  results: CeleryResultStore;
  events: ExecutionEvent[];
  /** Environment for the Python side (broker, backend, queue names). */
  pyEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function startCeleryStack(): Promise<CeleryStack> {
  const run = `cel${process.pid}${Date.now() % 100_000}`;
  const celeryQueue = `${run}-celery`;
  const pythonQueue = `${run}-python`;
  const onPython = { queue: pythonQueue, input: z.any() } as const;
  const tasks = [
    add,
    defineTask({
      name: 'demo.flaky',
      queue: celeryQueue,
      input: z.object({ until: z.number().int() }),
      retry: { maxAttempts: 4, backoff: { baseMs: 100, maxMs: 200 } },
      handler: ({ until }, ctx) => {
        if (ctx.attempt < until) throw new Error(`attempt ${ctx.attempt} failed`);
        return { attempt: ctx.attempt };
      },
    }),
    defineTask({
      name: 'demo.typeerror',
      queue: celeryQueue,
      input: z.object({ b: z.number() }),
      retry: { maxAttempts: 1 },
      handler: ({ b }) => {
        throw new TypeError(`b must be positive, got ${b}`);
      },
    }),
    defineTask({
      name: 'demo.noinput',
      queue: celeryQueue,
      input: z.object({ n: z.number() }).optional(),
      handler: (input) => (input === undefined ? 'no input' : input.n),
    }),
    defineTask({
      name: 'demo.sleepy',
      queue: celeryQueue,
      input: z.object({ ms: z.number() }),
      timeoutMs: 20_000,
      retry: { maxAttempts: 1 },
      handler: ({ ms }, ctx) =>
        new Promise((resolve, reject) => {
          const t = setTimeout(() => resolve('woke'), ms);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(ctx.signal.reason);
          });
        }),
    }),
    // Inputs that are not a keyword object: a value, an array, an object with an `args` key.
    defineTask({ name: 'demo.square', queue: celeryQueue, input: z.number(), handler: (n) => n * n }),
    defineTask({
      name: 'demo.sum',
      queue: celeryQueue,
      input: z.array(z.number()),
      handler: (ns) => ns.reduce((a, b) => a + b, 0),
    }),
    defineTask({
      name: 'demo.cmd',
      queue: celeryQueue,
      input: z.object({ args: z.array(z.string()) }),
      handler: ({ args }) => args.join(' '),
    }),
    defineTask({ name: 'demo.echo', queue: celeryQueue, input: z.any(), handler: (input) => input }),
    // Every keyword has a default, as Python parameters often do: greet(name='world', punct='!').
    defineTask({
      name: 'demo.greet',
      queue: celeryQueue,
      input: z.object({ name: z.string().default('world'), punct: z.string().default('!') }),
      handler: ({ name, punct }) => `hello ${name}${punct}`,
    }),
    defineTask({ name: 'py.mul', ...onPython, input: z.object({ a: z.number(), b: z.number() }) }),
    defineTask({ name: 'py.boom', ...onPython }),
    defineTask({ name: 'py.flaky', ...onPython }),
    defineTask({ name: 'py.when', ...onPython }),
    defineTask({ name: 'py.capped', ...onPython, input: z.object({ s: z.number() }) }),
    defineTask({ name: 'py.big', ...onPython }),
  ];
  const celeryQ = { type: 'classic', protocol: 'celery' } as const;
  const config = defineConfig({
    tasks,
    queues: { [celeryQueue]: celeryQ, [pythonQueue]: celeryQ },
    results: { ttlS: 600 },
    // An unregistered task fails at once, as on a Celery worker (by default warren hands it back
    // for a worker that knows it: worker.unknownTaskGraceMs).
    worker: { unknownTaskGraceMs: 0 },
  });
  const redis = new Redis('redis://127.0.0.1:6379/0');
  const results = withCeleryResults(createRedisResultStore({ redis, prefix: `${run}:` }), {
    redis,
    isCeleryQueue: (q) => q === celeryQueue || q === pythonQueue,
    expiresS: 600,
  });
  // A refused Celery message gets its FAILURE meta, as in the CLI and Lambda workers.
  const onRefused = celeryRefusalSink(results);
  const codec = (queue: string) =>
    createCeleryCodec({ tasks: config.tasks, queue, region: 'local', onRefused });
  const broker = createAmqpBroker({
    urls: ['amqp://guest:guest@127.0.0.1:5672'],
    queues: config.queues,
    codecs: { [celeryQueue]: codec(celeryQueue), [pythonQueue]: codec(pythonQueue) },
  });
  await broker.connect();
  const producer = createProducer({ config, publishers: new Map([['local', broker.publisher]]), results });
  const port = await freePortInRange(28500, 28599);
  const onCancelled = celeryRevokeOnCancel(config, [broker]);
  const server = await serveNode(createIngestApp({ config, producer, results, onCancelled }), port);
  const events: ExecutionEvent[] = [];
  const revoked = new RevokedIds();
  const worker: Worker = createWorker({
    config,
    consumer: broker.consumer,
    results: skipRevokedCeleryTasks(results, revoked, config),
    queues: [celeryQueue],
    concurrency: 4,
    onEvent: (e) => events.push(e),
  });
  await worker.start();
  // As `warren worker` does: a Celery client's revoke reaches warren's worker too.
  const revokes = listenForCeleryRevokes({
    urls: ['amqp://guest:guest@127.0.0.1:5672'],
    onRevoke: cancelOnCeleryRevoke(config, results, revoked),
  });
  await revokes.ready;

  return {
    run,
    celeryQueue,
    pythonQueue,
    base: `http://127.0.0.1:${port}`,
    config,
    broker,
    redis,
    results,
    events,
    pyEnv: {
      CELERY_BROKER_URL: 'amqp://guest:guest@127.0.0.1:5672//',
      CELERY_RESULT_BACKEND: 'redis://127.0.0.1:6379/0',
      WARREN_CELERY_QUEUE: celeryQueue,
      WARREN_PYTHON_QUEUE: pythonQueue,
    },
    async close() {
      await revokes.close();
      await worker.stop(2000).catch(() => {});
      server.close();
      await broker.close().catch(() => {});
      await deleteQueues([celeryQueue, pythonQueue]);
      const keys = await redis.keys(`${run}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

async function freePortInRange(from: number, to: number): Promise<number> {
  const start = from + (process.pid % (to - from + 1));
  for (let i = 0; i <= to - from; i++) {
    const port = from + ((start - from + i) % (to - from + 1));
    if (!(await isListening(port, 200))) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** The run's queues (and their dead-letter queues) go away with it. */
async function deleteQueues(queues: string[]): Promise<void> {
  const conn = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  try {
    const ch = await conn.createChannel();
    for (const q of queues.flatMap((q) => [q, `${q}.dlq`])) await ch.deleteQueue(q).catch(() => {});
  } finally {
    await conn.close().catch(() => {});
  }
}
