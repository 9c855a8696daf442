/** The invocation failed for infrastructure reasons; Lambda will deliver the whole batch again. */
export class RmqBatchError extends Error {
  constructor(
    readonly failures: number,
    readonly total: number,
    readonly causes: unknown[],
  ) {
    super(`${failures} of ${total} messages hit an infrastructure failure; the batch will be redelivered`, {
      cause: causes[0],
    });
    this.name = 'RmqBatchError';
  }
}
