import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitForPort } from './ports';

const run = promisify(execFile);
const BIN = '/usr/lib/rabbitmq/bin';

export interface RabbitNode {
  readonly name: string;
  readonly node: string;
  readonly port: number;
  readonly url: string;
  /** OS pid of the node's beam process (from its pid file). */
  pid(): number | undefined;
  /** `rabbitmqctl` against this node with the harness environment. */
  ctl(...args: string[]): Promise<string>;
  start(): Promise<void>;
  /** Graceful stop of the whole node. */
  stop(): Promise<void>;
  /** `kill -9` of the beam process. */
  kill(): Promise<void>;
}

export interface NodeSpec {
  name: string;
  port: number;
}

/**
 * Extra RabbitMQ nodes on this host (regions or a cluster), everything under one temp dir:
 * own config, mnesia, logs, pid file, and a shared HOME with one Erlang cookie so the CLI and
 * clustering work. The scripts in /usr/lib/rabbitmq/bin are called directly: the /usr/sbin
 * wrappers switch user and drop the RABBITMQ_* variables. See shared/notes/rabbitmq-on-one-host.md.
 */
export class RabbitHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'warren-rmq-'));
  private readonly home = join(this.dir, 'home');
  readonly nodes: RabbitNode[] = [];
  private readonly procs = new Map<string, ChildProcess>();

  constructor(private readonly plugins: string[] = []) {
    mkdirSync(this.home, { recursive: true });
    const cookie = join(this.home, '.erlang.cookie');
    writeFileSync(cookie, `WARRENTESTCOOKIE${process.pid}`);
    chmodSync(cookie, 0o400);
    writeFileSync(join(this.dir, 'empty-env.conf'), '');
  }

  env(spec: NodeSpec): NodeJS.ProcessEnv {
    const d = join(this.dir, spec.name);
    return {
      PATH: process.env.PATH,
      HOME: this.home,
      RABBITMQ_CONF_ENV_FILE: join(this.dir, 'empty-env.conf'),
      RABBITMQ_NODENAME: `${spec.name}@localhost`,
      RABBITMQ_NODE_PORT: String(spec.port),
      RABBITMQ_DIST_PORT: String(spec.port + 20_000),
      RABBITMQ_CONFIG_FILE: join(d, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(d, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: join(d, 'mnesia'),
      RABBITMQ_LOG_BASE: join(d, 'log'),
      RABBITMQ_PID_FILE: join(d, 'pid'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }

  /** Starts the nodes in parallel and waits until each accepts AMQP (~5-10 s). */
  async start(specs: NodeSpec[]): Promise<RabbitNode[]> {
    const created = specs.map((s) => this.makeNode(s));
    await Promise.all(created.map((n) => n.start()));
    this.nodes.push(...created);
    return created;
  }

  /** Joins `joiners` to `seed`'s cluster (stop_app, reset, join_cluster, start_app). */
  async cluster(seed: RabbitNode, joiners: RabbitNode[]): Promise<void> {
    for (const j of joiners) {
      await j.ctl('stop_app');
      await j.ctl('reset');
      await j.ctl('join_cluster', seed.node);
      await j.ctl('start_app');
    }
    await seed.ctl('await_online_nodes', String(joiners.length + 1));
  }

  /** Stops every node this harness started (only ours, by name and pid) and removes the temp dir. */
  async stopAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop().catch(() => n.kill().catch(() => {}))));
    for (const n of this.nodes) {
      const pid = n.pid();
      if (pid) tryKill(pid);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private makeNode(spec: NodeSpec): RabbitNode {
    const d = join(this.dir, spec.name);
    mkdirSync(join(d, 'log'), { recursive: true });
    writeFileSync(
      join(d, 'rabbitmq.conf'),
      [
        `listeners.tcp.default = 127.0.0.1:${spec.port}`,
        'vm_memory_high_watermark.absolute = 1GB',
        'disk_free_limit.absolute = 50MB',
        'loopback_users = none',
        ...(this.plugins.some((p) => p.includes('management'))
          ? [`management.tcp.ip = 127.0.0.1`, `management.tcp.port = ${spec.port + 10_000}`]
          : []),
      ].join('\n'),
    );
    writeFileSync(join(d, 'enabled_plugins'), `[${this.plugins.join(',')}].`);
    const env = this.env(spec);
    const node = `${spec.name}@localhost`;
    const pidFile = join(d, 'pid');
    const readPid = () => {
      try {
        return Number(readFileSync(pidFile, 'utf8').trim()) || undefined;
      } catch {
        return undefined;
      }
    };
    const ctl = async (...args: string[]) => {
      const { stdout } = await run(`${BIN}/rabbitmqctl`, ['-n', node, ...args], { env, timeout: 60_000 });
      return stdout;
    };
    return {
      name: spec.name,
      node,
      port: spec.port,
      url: `amqp://guest:guest@127.0.0.1:${spec.port}`,
      pid: readPid,
      ctl,
      start: async () => {
        const proc = spawn(`${BIN}/rabbitmq-server`, [], { env, stdio: 'ignore', detached: true });
        proc.unref();
        this.procs.set(spec.name, proc);
        await waitForPort(spec.port, 60_000, `rabbit node ${node}`);
        await ctl('await_startup', '--timeout', '60');
      },
      stop: async () => {
        await run('timeout', ['30', `${BIN}/rabbitmqctl`, '-n', node, 'shutdown'], { env }).catch(() => {});
      },
      kill: async () => {
        const pid = readPid();
        if (pid) tryKill(pid);
      },
    };
  }
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
