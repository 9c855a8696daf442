export interface QueueUrlOptions {
  /** warren queue name → SQS queue URL. */
  queueUrls?: Record<string, string>;
  /** Computes the URL for a queue not in `queueUrls` (e.g. prefix + sanitized name). */
  queueUrlFor?: (queue: string) => string;
}

/** warren queue names may hold `.` and `:`, SQS names only `[A-Za-z0-9_-]` (plus a `.fifo` suffix). */
export function sqsQueueName(queue: string, fifo = false): string {
  const name = queue.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, fifo ? 75 : 80);
  return fifo ? `${name}.fifo` : name;
}

export function queueUrlResolver(opts: QueueUrlOptions): (queue: string) => string {
  return (queue) => {
    const url = opts.queueUrls?.[queue] ?? opts.queueUrlFor?.(queue);
    if (!url) throw new Error(`no SQS queue URL for queue ${queue}`);
    return url;
  };
}
