import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isListening, waitForPort } from './ports';

/**
 * Makes sure RabbitMQ (5672) and Redis (6379) answer on localhost: starts them when installed
 * but stopped, installs them from Debian packages (as root, apt-get) when missing. Idempotent.
 */
export async function ensureServices(log: (msg: string) => void = console.log): Promise<void> {
  const [rabbitUp, redisUp] = await Promise.all([isListening(5672), isListening(6379)]);
  if (rabbitUp && redisUp) return;
  const missing = [
    !rabbitUp && !existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server') && 'rabbitmq-server',
    !redisUp && !hasCommand('redis-server') && 'redis-server',
  ].filter((p): p is string => !!p);
  if (missing.length) aptInstall(missing, log);
  if (!redisUp) {
    log('starting redis-server on 6379');
    execFileSync('redis-server', [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '-::1',
      '--port',
      '6379',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      '/tmp',
    ]);
    await waitForPort(6379, 15_000, 'redis-server');
  }
  if (!rabbitUp) {
    log('starting rabbitmq-server on 5672 (takes ~5 s)');
    execFileSync('rabbitmq-server', ['-detached'], { stdio: 'ignore' });
    await waitForPort(5672, 60_000, 'rabbitmq-server');
    // The port opens a moment before the node accepts logins.
    spawnSync('rabbitmqctl', ['await_startup', '--timeout', '60'], { stdio: 'ignore', timeout: 70_000 });
  }
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Installs Debian packages; needs root. Throws with a clear message otherwise. */
export function aptInstall(pkgs: string[], log: (msg: string) => void = console.log): void {
  if (process.getuid?.() !== 0) throw new Error(`need root to install ${pkgs.join(', ')} (apt-get)`);
  log(`installing ${pkgs.join(', ')} from Debian packages`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Test files install in parallel (chromium, Celery): wait for dpkg's lock instead of failing.
  const aptGet = (...args: string[]) =>
    spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { stdio: 'inherit', env });
  aptGet('update', '-qq');
  const r = aptGet('install', '-y', '-qq', '--no-install-recommends', ...pkgs);
  if (r.status !== 0) throw new Error(`apt-get install ${pkgs.join(' ')} failed (exit ${r.status})`);
}
