import type { SQSClient } from '@aws-sdk/client-sqs';
import { type ReceivedMessage, setVisibility } from './sqs-ops';

export interface Heartbeat {
  /** Stops extending; resolves once no extension is in flight (so it cannot undo a settle's). */
  stop(): Promise<void>;
}

/**
 * Keeps a received message hidden while its task runs: every half visibility timeout it is
 * extended by a whole one, so a task longer than the timeout is not received again mid-run.
 * Timed from the message's `receivedAt` (when the ReceiveMessage went out): the timeout may have started
 * any time after that, and a long poll can hold the answer a while. Extensions run one after
 * another; an error is reported and the next tick tries again.
 */
export function keepHidden(
  client: SQSClient,
  m: ReceivedMessage,
  visibilityS: number,
  onError?: (err: unknown) => void,
): Heartbeat {
  if (!(visibilityS > 0)) return { stop: async () => {} };
  const everyMs = visibilityS * 500;
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    chain = chain.then(() =>
      stopped ? undefined : setVisibility(client, m, visibilityS * 1000).catch(onError),
    );
    timer = setTimeout(tick, everyMs);
    timer.unref?.();
  };
  timer = setTimeout(tick, Math.max(0, (m.receivedAt ?? Date.now()) + everyMs - Date.now()));
  timer.unref?.();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await chain;
    },
  };
}
