import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { erlCall } from './erl-call';
import { firstFreePort, isListening, waitForPort } from './ports';
import {
  claimHarnessDir,
  HARNESS_PREFIX,
  readPid,
  reapOrphanNodes,
  stopGracefully,
  tryKill,
  withBootLock,
} from './rabbit-boot';
import { startupsLogged, waitForLogged, waitForStartupLogged } from './rabbit-startup-log';

const run = promisify(execFile);
const BIN = '/usr/lib/rabbitmq/bin';
// One node boots in ~5 s, several at once on 2 cores in ~10-30 s; a loaded CI box needs more.
const BOOT_TIMEOUT_MS = 90_000;

/**
 * Where a node's other ports sit relative to its AMQP port (test specs use 25000-29000). Below
 * it, not above: +20000 put the dist port in Linux's ephemeral range (32768-60999), where any
 * outgoing connection may hold it between the free-port check and the boot, and the node died
 * with dist_port_already_used (seen once in a full run).
 */
const DIST_OFFSET = -20_000;
const MANAGEMENT_OFFSET = -10_000;

export interface RabbitNode {
  readonly name: string;
  readonly node: string;
  readonly port: number;
  readonly url: string;
  /** OS pid of the node's beam process (from its pid file). */
  pid(): number | undefined;
  /** `rabbitmqctl` against this node with the harness environment. */
  ctl(...args: string[]): Promise<string>;
  /**
   * An Erlang expression evaluated on the node (erl-call.ts): ~20 ms, where each `ctl` boots an
   * Erlang VM. For what a test asks or sets often; `ctl` for the CLI's own behaviour.
   */
  erl(expr: string): Promise<string>;
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
  readonly dir = mkdtempSync(join(tmpdir(), HARNESS_PREFIX));
  private readonly home = join(this.dir, 'home');
  readonly nodes: RabbitNode[] = [];

  constructor(private readonly plugins: string[] = []) {
    reapOrphanNodes((m) => console.warn(`[rabbit harness] ${m}`));
    claimHarnessDir(this.dir);
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
      RABBITMQ_NODENAME: nodeName(spec),
      RABBITMQ_NODE_PORT: String(spec.port),
      RABBITMQ_DIST_PORT: String(spec.port + DIST_OFFSET),
      RABBITMQ_CONFIG_FILE: join(d, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(d, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: join(d, 'mnesia'),
      RABBITMQ_LOG_BASE: join(d, 'log'),
      RABBITMQ_PID_FILE: join(d, 'pid'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      ERL_EPMD_ADDRESS: '127.0.0.1',
    };
  }

  /**
   * Starts the nodes in parallel and waits until each accepts AMQP (~5-10 s), after any other
   * test file's harness has finished booting its own.
   */
  async start(specs: NodeSpec[]): Promise<RabbitNode[]> {
    return withBootLock(() => this.boot(specs));
  }

  /**
   * Starts a cluster: the first spec's node alone, then the others at once, each joining it on
   * its first boot through classic-config peer discovery (retrying every 500 ms, up to 2 min).
   * A join after boot (stop_app, reset, join_cluster, start_app: eight CLI calls, each an Erlang
   * VM) took ~25 s more on 2 cores. The joiners start only once the seed is up: all three booted
   * at once (joining a seed mid-boot) was ~15 s faster still, but a full-suite run once lost the
   * cluster's beforeAll that way (cause not recorded); joining a running seed is the safe order.
   */
  async startCluster(specs: NodeSpec[]): Promise<RabbitNode[]> {
    return withBootLock(async () => {
      const [seed] = (await this.boot(specs.slice(0, 1))) as [RabbitNode];
      const joiners = await this.boot(specs.slice(1), () => [
        'cluster_formation.peer_discovery_backend = classic_config',
        `cluster_formation.classic_config.nodes.1 = ${seed.node}`,
        'cluster_formation.discovery_retry_limit = 240',
        'cluster_formation.discovery_retry_interval = 500',
      ]);
      // What `rabbitmqctl await_online_nodes` waits for (without its Erlang VM): the seed logs
      // each joiner's rabbit app up once it runs in the cluster.
      await Promise.all(
        joiners.map((j) =>
          waitForLogged(this.logFile(specs[0]!), `rabbit on node '${j.node}' up`, 0, 60_000, seed.node),
        ),
      );
      return [seed, ...joiners];
    });
  }

  private async boot(
    specs: NodeSpec[],
    extraConfig: (spec: NodeSpec) => string[] = () => [],
  ): Promise<RabbitNode[]> {
    // A spec's port is a preference: if it (or the node's dist/management port) is taken, by
    // another test run or a stray process, the node takes the next free one. Read `node.port`.
    const offsets = this.portOffsets();
    const taken = new Set<number>();
    const nodes: RabbitNode[] = [];
    for (const s of specs) {
      const port = await firstFreePort(s.port, offsets, taken);
      for (const off of offsets) taken.add(port + off);
      nodes.push(this.makeNode({ ...s, port }, extraConfig(s)));
    }
    this.nodes.push(...nodes);
    await Promise.all(nodes.map((n) => n.start()));
    return nodes;
  }

  /** A node's own log file (RabbitMQ names it after the node). */
  private logFile(spec: NodeSpec): string {
    return join(this.dir, spec.name, 'log', `${nodeName(spec)}.log`);
  }

  /** Ports a node holds besides AMQP: dist and, with the management plugin, HTTP. */
  private portOffsets(): number[] {
    return this.plugins.some((p) => p.includes('management'))
      ? [0, MANAGEMENT_OFFSET, DIST_OFFSET]
      : [0, DIST_OFFSET];
  }

  /**
   * Ends every node this harness started (only ours, by pid) and removes the temp dir. kill -9,
   * not a graceful shutdown: the node's data goes with the dir, and `rabbitmqctl shutdown` cost
   * ~5 s and a CLI VM per node.
   */
  async stopAll(): Promise<void> {
    for (const n of this.nodes) await n.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private makeNode(spec: NodeSpec, extraConfig: string[]): RabbitNode {
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
          ? [`management.tcp.ip = 127.0.0.1`, `management.tcp.port = ${spec.port + MANAGEMENT_OFFSET}`]
          : []),
        ...extraConfig,
      ].join('\n'),
    );
    writeFileSync(join(d, 'enabled_plugins'), `[${this.plugins.join(',')}].`);
    const env = this.env(spec);
    const node = nodeName(spec);
    const pidFile = join(d, 'pid');
    const logFile = this.logFile(spec);
    const ctl = async (...args: string[]) => {
      const { stdout } = await run(`${BIN}/rabbitmqctl`, ['-n', node, ...args], { env, timeout: 60_000 });
      return stdout;
    };
    return {
      name: spec.name,
      node,
      port: spec.port,
      url: `amqp://guest:guest@127.0.0.1:${spec.port}`,
      pid: () => readPid(pidFile),
      ctl,
      erl: (expr) => erlCall(node, env, expr),
      start: async () => {
        if (await isListening(spec.port)) {
          throw new Error(`port ${spec.port} for rabbit node ${node} is already taken (another test run?)`);
        }
        // The server's own output goes to a file so a node that fails to boot can say why.
        const outFile = join(d, 'log', 'server.out');
        const bootsBefore = startupsLogged(logFile);
        const out = openSync(outFile, 'a');
        const proc = spawn(`${BIN}/rabbitmq-server`, [], {
          env,
          stdio: ['ignore', out, out],
          detached: true,
        });
        closeSync(out);
        proc.unref();
        const exited = new Promise<never>((_, reject) =>
          proc.once('exit', (code, signal) =>
            reject(new Error(`rabbit node ${node} exited (${signal ?? code}) before it listened`)),
          ),
        );
        exited.catch(() => {});
        try {
          await Promise.race([waitForPort(spec.port, BOOT_TIMEOUT_MS, `rabbit node ${node}`), exited]);
          // The AMQP listener opens near the end of the boot; plugins start after it.
          await Promise.race([
            waitForStartupLogged(logFile, bootsBefore, 60_000, `rabbit node ${node}`),
            exited,
          ]);
        } catch (err) {
          throw new Error(`${(err as Error).message}\n${bootReport(d, outFile)}`);
        }
      },
      stop: async () => {
        const pid = readPid(pidFile);
        if (pid) await stopGracefully(pid, this.dir);
      },
      kill: async () => {
        const pid = readPid(pidFile);
        if (pid) tryKill(pid);
      },
    };
  }
}

/** Unique per test process: two runs on one machine (or a leftover node) never share a name. */
function nodeName(spec: NodeSpec): string {
  return `${spec.name}-${process.pid}@localhost`;
}

/** The last lines of a node's server output and of each of its log files, for a boot failure. */
function bootReport(dir: string, outFile: string): string {
  const tail = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
  const logDir = join(dir, 'log');
  const files = [
    outFile,
    ...readdirSync(logDir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => join(logDir, f)),
  ];
  return files
    .filter((f) => existsSync(f))
    .map((f) => `--- ${f}\n${tail(f)}`)
    .join('\n');
}
