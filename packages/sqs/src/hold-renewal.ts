import type { SQSClient } from '@aws-sdk/client-sqs';
import type { loadSqsSdk } from './sdk';

type Sdk = Awaited<ReturnType<typeof loadSqsSdk>>;

/** Keeps renewing, until `stop`, the hold of messages received for a long job. */
export interface HoldRenewal {
  /** Stops renewing and waits for a renewal under way, so a hand-back after it is the last word. */
  stop(): Promise<void>;
}

/**
 * Every half `holdS`, sets the visibility of the messages `receipts()` names back to `holdS`
 * (ChangeMessageVisibilityBatch, 10 at a time), so messages held longer than one hold (a replay
 * of many dead letters) do not reappear while still held. Best effort: a refused renewal leaves a
 * message to reappear after its hold, as without one.
 */
export function renewHolds(
  client: SQSClient,
  sdk: Sdk,
  url: string,
  receipts: () => string[],
  holdS: number,
): HoldRenewal {
  let running: Promise<void> = Promise.resolve();
  const renew = async () => {
    const all = receipts();
    for (let i = 0; i < all.length; i += 10) {
      const entries = all
        .slice(i, i + 10)
        .map((r, n) => ({ Id: String(n), ReceiptHandle: r, VisibilityTimeout: holdS }));
      await client
        .send(new sdk.ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: entries }))
        .catch(() => {});
    }
  };
  const timer = setInterval(() => {
    running = running.then(renew);
  }, holdS * 500);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
