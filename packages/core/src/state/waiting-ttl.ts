/**
 * The least a record lives while its job waits in a queue (queued, scheduled, handed back or
 * waiting for its retry): a day, the default `results.ttlS`. That TTL counts from the job's end;
 * set shorter on a record still waiting, it expired the record in any backlog longer than it
 * (config `results: { ttlS: 2 }`: GET /v1/jobs/:id answered 404 and DELETE could not cancel a job
 * that was only queued). Still bounded: a message lost with its queue leaves no record for good.
 * The run and the end of the job set their own TTLs.
 */
export const WAITING_RECORD_TTL_S = 86_400;

/** A waiting record's TTL: `ttlS` (the longest that applies to the job) or a day, plus its delay. */
export const waitingTtlS = (ttlS: number, delayMs = 0): number =>
  Math.max(ttlS, WAITING_RECORD_TTL_S) + Math.ceil(delayMs / 1000);
