import amqp from 'amqplib';

const URL = 'amqp://guest:guest@127.0.0.1:5672';

/** Names of every queue on the shared broker (vhost /), from rabbitmqctl. */
async function listQueues(): Promise<Set<string>> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(
      'rabbitmqctl',
      ['-q', 'list_queues', 'name', '--no-table-headers'],
      { timeout: 60_000 },
      (err, out) =>
        resolve(
          new Set(
            err
              ? []
              : out
                  .split('\n')
                  .map((s) => s.trim())
                  .filter(Boolean),
          ),
        ),
    );
  });
}

/**
 * Snapshot the shared broker's queues now; the returned teardown deletes every queue the run
 * added. Test files create hundreds of uniquely named (mostly quorum) queues; left behind, they
 * pile up across runs until the single shared node wedges (seen here at ~300 queues).
 */
export async function queueHygiene(log: (m: string) => void): Promise<() => Promise<void>> {
  const before = await listQueues();
  return async () => {
    const added = [...(await listQueues())].filter((q) => !before.has(q));
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
