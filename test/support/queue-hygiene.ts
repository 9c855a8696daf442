import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PARKED_DELAYS_QUEUE } from '@warren/amqp';
import amqp from 'amqplib';

const URL = 'amqp://guest:guest@127.0.0.1:5672';
/** One file per `vitest run` in progress on this machine, named by its pid. */
const RUNS = join(tmpdir(), 'warren-test-runs');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Other runs still in progress (files of runs that died are removed on the way). */
function otherRuns(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync(RUNS)) {
    const pid = Number(name);
    if (pid === process.pid || !Number.isInteger(pid)) continue;
    if (alive(pid)) pids.push(pid);
    else rmSync(join(RUNS, name), { force: true });
  }
  return pids;
}

/**
 * Marks this process, until it exits, as a user of the shared broker that a test run's teardown
 * must not clean up after (see queueHygiene: it leaves every queue alone while another run is in
 * progress). The bench registers so: between its rounds its queues have no consumer, and a test
 * run that ended meanwhile deleted one under its publishes (RabbitMQ closed the connection, 541).
 */
export function registerBrokerUser(): void {
  mkdirSync(RUNS, { recursive: true });
  const file = join(RUNS, String(process.pid));
  writeFileSync(file, '');
  process.once('exit', () => rmSync(file, { force: true }));
}

/** Every queue on the shared broker (vhost /) with its consumer count, from rabbitmqctl. */
async function listQueues(): Promise<Map<string, number>> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(
      'rabbitmqctl',
      ['-q', 'list_queues', 'name', 'consumers', '--no-table-headers'],
      { timeout: 60_000 },
      (err, out) => {
        const queues = new Map<string, number>();
        if (!err)
          for (const line of out.split('\n')) {
            const [name, consumers] = line.trim().split(/\s+/);
            if (name) queues.set(name, Number(consumers) || 0);
          }
        resolve(queues);
      },
    );
  });
}

/** `warren.delay.*` queues holding messages that are neither ready nor unacked: stuck in dead-lettering. */
async function stuckTiers(): Promise<string[]> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(
      'rabbitmqctl',
      [
        '-q',
        'list_queues',
        'name',
        'messages',
        'messages_ready',
        'messages_unacknowledged',
        '--no-table-headers',
      ],
      { timeout: 60_000 },
      (err, out) => {
        const stuck: string[] = [];
        if (!err)
          for (const line of out.split('\n')) {
            const [name, all, ready, unacked] = line.trim().split(/\s+/);
            if (name?.startsWith('warren.delay.') && Number(all) - Number(ready) - Number(unacked) > 0)
              stuck.push(name);
          }
        resolve(stuck);
      },
    );
  });
}

/**
 * Snapshot the shared broker's queues now; the returned teardown deletes every queue the run
 * added and nobody consumes, unless another run is still in progress. Test files create hundreds
 * of uniquely named (mostly quorum) queues; left behind, they pile up across runs until the
 * single shared node wedges (seen here at ~300 queues).
 */
export async function queueHygiene(log: (m: string) => void): Promise<() => Promise<void>> {
  mkdirSync(RUNS, { recursive: true });
  writeFileSync(join(RUNS, String(process.pid)), '');
  const before = await listQueues();
  return async () => {
    rmSync(join(RUNS, String(process.pid)), { force: true });
    // Another run on the same broker (a second `npm test`, CI beside a developer) created queues
    // since our snapshot too, and its tests are using them: deleting "ours" would delete its.
    // The last run out cleans up instead (its snapshot may predate a few of ours: they stay).
    const others = otherRuns();
    if (others.length > 0) {
      log(`another test run (pid ${others.join(', ')}) uses the broker: its queues and ours left for it`);
      return;
    }
    // A queue with consumers belongs to someone still running (a bench, a developer's worker on
    // the same broker), not to this run's finished tests: left alone. (`ifUnused` cannot do
    // this: quorum queues refuse it and close the connection.)
    const added = [...(await listQueues())]
      .filter(([q, consumers]) => !before.has(q) && consumers === 0)
      .map(([q]) => q);
    // Delay tiers of the first layout (`warren.delay.<ms>`, before the parking queue) holding
    // expired messages their (deleted) queue can no longer take: at-least-once dead-lettering
    // keeps them, and some 30 jam the tier for every queue, so a few runs on one broker made every
    // delayed test fail. A broker that ran older checkouts' tests still has them.
    const jammed = await stuckTiers();
    if (jammed.length > 0)
      log(`deleting delay tiers with expired messages no queue takes: ${jammed.join(', ')}`);
    added.push(...jammed);
    const conn = await amqp.connect(URL).catch(() => undefined);
    if (!conn) return;
    // Delayed jobs of queues the tests deleted: parked, by design, where an operator would look.
    const parking = await conn.createChannel();
    parking.on('error', () => {});
    const purged = await parking.purgeQueue(PARKED_DELAYS_QUEUE).then(
      (r) => r.messageCount,
      () => 0,
    );
    await parking.close().catch(() => {});
    if (purged > 0) log(`purged ${purged} parked delayed messages of deleted test queues`);
    let deleted = 0;
    for (const q of added) {
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      await ch.deleteQueue(q).then(
        () => deleted++,
        () => {},
      );
      await ch.close().catch(() => {});
    }
    // A limited queue's own delay tiers (`warren.delay.v2.<ms>.<queue>`, see own-tiers.ts): their
    // exchanges outlive the deleted queues (and their tier queues, from runs cut short).
    const queues = await listQueues();
    const orphanTiers = (await listExchanges()).filter((x) => {
      const of = OWN_TIER.exec(x)?.[1];
      return of !== undefined && !queues.has(of);
    });
    for (const x of orphanTiers) {
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      if (queues.has(x) && (queues.get(x) ?? 0) === 0) await ch.deleteQueue(x).catch(() => {});
      await ch.deleteExchange(x).catch(() => {});
      await ch.close().catch(() => {});
    }
    await conn.close().catch(() => {});
    if (added.length > 0)
      log(`deleted ${deleted} queues (this run's${jammed.length ? ', jammed delay tiers' : ''})`);
    if (orphanTiers.length > 0) log(`deleted ${orphanTiers.length} own delay tiers of deleted queues`);
  };
}

const OWN_TIER = /^warren\.delay\.v2\.\d+\.(.+)$/;

/** Every exchange on the shared broker (vhost /), from rabbitmqctl. */
async function listExchanges(): Promise<string[]> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(
      'rabbitmqctl',
      ['-q', 'list_exchanges', 'name', '--no-table-headers'],
      { timeout: 60_000 },
      (err, out) =>
        resolve(
          err
            ? []
            : out
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean),
        ),
    );
  });
}
