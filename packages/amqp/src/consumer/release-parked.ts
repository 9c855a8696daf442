import type { Channel, ChannelModel, GetMessage } from 'amqplib';
import { bounded } from '../connection/no-answer';
import { PARKED_DELAYS_QUEUE } from '../topology/delay-tiers';
import { republishProperties } from './dead-letter';

/** Parked delayed jobs of one queue (the routing key they were parked with). */
export interface ParkedQueue {
  queue: string;
  /** Parked messages read for it. */
  count: number;
  /** Whether the queue exists now (a passive declare). */
  exists: boolean;
  /** Sent back to the queue and removed from the parking queue (0 on a list or a dry run). */
  released: number;
  /** Sent back but refused by the queue (a nack: at its maxLength): still parked. */
  refused: number;
}

export interface ParkedReport {
  queues: ParkedQueue[];
  /** Messages in the parking queue not read (beyond `max`). */
  more: number;
}

export interface ReleaseParkedOptions {
  /** Read at most this many parked messages. */
  max: number;
  /** Each broker reply is awaited at most this long. */
  ms: number;
  /** Send back the jobs of queues that exist again (else only count them). */
  release: boolean;
  /** Only this queue's jobs are sent back. */
  only?: string;
}

/**
 * Reads `warren.delay.parked` (delayed jobs whose queue was gone when they fell due), grouped by
 * the queue they were for, and with `release` sends those whose queue exists again straight to
 * it through the default exchange (no due-exchange binding needed: a queue declared by hand has
 * none), properties and due time kept: a job not yet due hops on through the tiers at the worker.
 * At-least-once: a message leaves the parking queue only after its copy is confirmed; any return
 * (the queue deleted again meanwhile) or a failed confirm hands every one read back, and copies
 * already sent are duplicates the worker skips by job id. Nothing read is lost: the channel's
 * close hands back whatever was not acked.
 */
export async function releaseParked(model: ChannelModel, o: ReleaseParkedOptions): Promise<ParkedReport> {
  const what = `read ${PARKED_DELAYS_QUEUE}`;
  const ch = await bounded(model.createConfirmChannel(), o.ms, what);
  ch.on('error', () => {});
  let returned = false;
  ch.on('return', () => {
    returned = true;
  });
  const exists = queueChecker(model, o.ms);
  const byQueue = new Map<string, ParkedQueue>();
  // Each copy's own confirm: waitForConfirms sees only those still outstanding when it is called,
  // so a nack that came before (a full queue refuses at once) was dropped and the job acked.
  const sent: { m: GetMessage; entry: ParkedQueue; confirmed: Promise<boolean> }[] = [];
  let more = 0;
  try {
    for (let n = 0; n < o.max; n++) {
      const m = await bounded(ch.get(PARKED_DELAYS_QUEUE, { noAck: false }), o.ms, what);
      if (!m) break;
      more = m.fields.messageCount;
      const queue = m.fields.routingKey;
      let entry = byQueue.get(queue);
      if (!entry) {
        entry = { queue, count: 0, exists: await exists(queue), released: 0, refused: 0 };
        byQueue.set(queue, entry);
      }
      entry.count++;
      if (o.release && entry.exists && (o.only === undefined || o.only === queue)) {
        const props = { ...republishProperties(m), mandatory: true, persistent: true };
        const confirmed = new Promise<boolean>((done) =>
          ch.publish('', queue, m.content, props, (err: unknown) => done(err == null)),
        );
        sent.push({ m, entry, confirmed });
      }
    }
    if (sent.length > 0) {
      const oks = await bounded(
        Promise.all(sent.map((s) => s.confirmed)),
        o.ms,
        `send ${sent.length} parked jobs back`,
      );
      if (returned) throw new Error('a queue was deleted again while its parked jobs were sent back');
      // A refused copy's message is not acked: the channel's close hands it back, still parked.
      sent.forEach(({ m, entry }, i) => {
        if (oks[i]) {
          ch.ack(m);
          entry.released++;
        } else entry.refused++;
      });
    }
  } finally {
    await exists.close();
    // Acks before the close-ok are applied; the rest goes back to the parking queue.
    await bounded(ch.close(), o.ms, `close ${what}`).catch(() => {});
  }
  return { queues: [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue)), more };
}

/** Whether a queue exists, on a channel of its own (a passive declare of a missing one closes it). */
function queueChecker(model: ChannelModel, ms: number) {
  let ch: Channel | undefined;
  const check = async (queue: string): Promise<boolean> => {
    if (!ch) {
      ch = await bounded(model.createChannel(), ms, 'open a channel');
      ch.on('error', () => {});
    }
    try {
      await bounded(ch.checkQueue(queue), ms, `check ${queue}`);
      return true;
    } catch (err) {
      ch = undefined; // 404 closed it
      if ((err as { code?: number }).code === 404) return false;
      throw err;
    }
  };
  return Object.assign(check, {
    close: async () => {
      await ch?.close().catch(() => {});
    },
  });
}
