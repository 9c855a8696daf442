import amqp from 'amqplib';

const URL = 'amqp://guest:guest@127.0.0.1:5672';

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

/**
 * Snapshot the shared broker's queues now; the returned teardown deletes every queue the run
 * added and nobody consumes. Test files create hundreds of uniquely named (mostly quorum)
 * queues; left behind, they pile up across runs until the single shared node wedges (seen here
 * at ~300 queues).
 */
export async function queueHygiene(log: (m: string) => void): Promise<() => Promise<void>> {
  const before = await listQueues();
  return async () => {
    // A queue with consumers belongs to someone still running (a bench, a developer's worker on
    // the same broker), not to this run's finished tests: left alone. (`ifUnused` cannot do
    // this: quorum queues refuse it and close the connection.)
    const added = [...(await listQueues())]
      .filter(([q, consumers]) => !before.has(q) && consumers === 0)
      .map(([q]) => q);
    if (added.length === 0) return;
    const conn = await amqp.connect(URL).catch(() => undefined);
    if (!conn) return;
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
    await conn.close().catch(() => {});
    log(`deleted ${deleted} queues this run created`);
  };
}
