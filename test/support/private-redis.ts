import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, waitForPort } from './ports';

/**
 * A redis-server of a test's own (no persistence, loopback only), for what must not touch the
 * shared one: SCRIPT FLUSH, maxmemory, REPLICAOF, an outage (stop, then start on the same port).
 */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Starts it (again) on the same port, unless it runs; resolves once it listens. */
  start(): Promise<void>;
  /** SIGTERM, resolved once it exited; a later start() brings it back empty. */
  stop(): Promise<void>;
  /** Sends `sig` to it if it runs (SIGSTOP: a frozen server, its port still accepting; SIGKILL). */
  signal(sig: NodeJS.Signals): void;
}

export async function privateRedis(what: string, opts: { port?: number; args?: string[] } = {}) {
  const port = opts.port ?? (await freePort());
  let child: ChildProcess | undefined;
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      // Already running: a second spawn would fail to bind and exit, and, kept as `child`, leave
      // the running one to no stop() (a test calling start() "in case" left a redis-server behind
      // on every run).
      if (child && child.exitCode === null && child.signalCode === null) return;
      child = spawn(
        'redis-server',
        [
          ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
          ...(opts.args ?? []),
        ],
        { stdio: 'ignore' },
      );
      await waitForPort(port, 15_000, `redis-server (${what})`);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGCONT'); // a stopped one would hold its SIGTERM until continued
      c.kill('SIGTERM');
      await exited;
    },
    signal(sig) {
      if (child && child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
  };
  return redis;
}

/** privateRedis, started. */
export async function startPrivateRedis(what: string, opts: { port?: number; args?: string[] } = {}) {
  const redis = await privateRedis(what, opts);
  await redis.start();
  return redis;
}
