import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { probeSourceQueueType } from '@warren/forwarder';
import { loadConfig } from './load-config';

export type QueueType = 'quorum' | 'classic';

/**
 * The source queue's type for `warren forward --from ... --queue ...`, and where it came from: a
 * missing `<queue>.dlq` is declared with it, as warren's topology declares it. Declared quorum for
 * a classic queue, warren's next declare of that queue failed for good (QueueArgumentsMismatchError).
 * In order: `--queue-type`; the config's queue, when a config is there (WARREN_CONFIG or
 * ./warren.config.ts) and names it; the broker's answer (probeQueueType); else quorum, warren's
 * default, said so.
 */
export async function adHocQueueType(
  o: { from: string[]; queue: string; queueType?: QueueType },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ type: QueueType; from: string }> {
  if (o.queueType) return { type: o.queueType, from: '--queue-type' };
  if (env.WARREN_CONFIG || existsSync(resolve(process.cwd(), 'warren.config.ts'))) {
    try {
      const q = (await loadConfig(env)).queues[o.queue];
      if (q) return { type: q.type ?? 'quorum', from: 'the config' };
    } catch (err) {
      // An ad-hoc link needs no config: a broken one only loses this hint.
      console.warn(`warren forward: config not read for the queue type (${(err as Error).message})`);
    }
  }
  const probed = await probeSourceQueueType(o.from, o.queue);
  if (probed) return { type: probed, from: 'the broker' };
  return {
    type: 'quorum',
    from: 'default: the broker did not tell (queue missing, or another argument in the way); pass --queue-type classic for a classic queue',
  };
}
