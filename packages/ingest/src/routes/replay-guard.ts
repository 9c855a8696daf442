import { type Producer, type ResultStore, UnprocessableError, type WarrenConfig } from '@warren/core';
import { jsonEqual } from './json-equal';

/**
 * A producer whose replays must match the request: an idempotency key reused for another task,
 * queue or input is a 422 (as the IETF Idempotency-Key draft asks), not a 200 with the earlier
 * job, which would tell the caller a job it never enqueued was accepted (and show one key's job
 * to another key). Replays are rare, so the extra record read costs nothing on the hot path.
 */
export function guardReplays(
  producer: Pick<Producer, 'enqueue'>,
  results: ResultStore,
  config: WarrenConfig,
): Pick<Producer, 'enqueue'> {
  return {
    async enqueue(req, ctx) {
      const out = await producer.enqueue(req, ctx);
      if (!out.replayed) return out;
      const job = out.response;
      const queue = req.queue ?? config.tasks.get(req.task)?.queue;
      let same = job.task === req.task && queue === job.queue;
      if (same) {
        const rec = await results.get(job.id);
        // A record written without its input (not by this ingest) cannot be compared: replay.
        same = rec?.input === undefined || jsonEqual(rec.input, req.input ?? null);
      }
      if (!same) {
        throw new UnprocessableError(
          `idempotency key "${req.idempotencyKey}" was used for a different request`,
          [{ path: 'idempotencyKey', message: 'already used with a different task, queue or input' }],
        );
      }
      return out;
    },
  };
}
