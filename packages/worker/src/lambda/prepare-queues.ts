import { TransportError } from '@warren/core';
import type { DecodedRmqMessage } from './rmq-event';

/**
 * Before any message of the batch runs: each queue it came from is ready for a retry, a dead
 * letter or a hand-back. A queue refused for good (declared first by a Celery worker or by hand,
 * with other arguments: a TransportError that is not recoverable) takes none of them: run, a
 * failing job threw the batch at its retry and Lambda redelivered it, for ever, running that job
 * again each time. Thrown here, nothing runs and the invocation says why, as `warren worker`
 * exits at start. An outage (recoverable) is left to the moves themselves, as before.
 */
export async function prepareQueues(
  messages: readonly DecodedRmqMessage[],
  sink: { prepare?(queue: string): Promise<void> },
): Promise<void> {
  if (!sink.prepare) return;
  const queues = [...new Set(messages.map((m) => m.queue))];
  await Promise.all(
    queues.map((q) =>
      sink.prepare!(q).catch((err: unknown) => {
        if (!(err instanceof TransportError && err.recoverable)) throw err;
      }),
    ),
  );
}
