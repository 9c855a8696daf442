import { redactUrl, TransportError } from '@warren/core';
import { classifyAmqpError } from '../errors/classify-amqp-error';

const messageOf = (err: unknown) =>
  err && typeof (err as Error).message === 'string' ? (err as Error).message : String(err);

/**
 * Each node's last connect failure, classified, its (redacted) node in the message: so a failed
 * connect says why, and a login or vhost every node refuses is not reported as "unreachable"
 * (retrying the same credentials cannot help).
 */
export class NodeErrors {
  private readonly last: (TransportError | undefined)[];

  constructor(private readonly urls: readonly string[]) {
    this.last = urls.map(() => undefined);
  }

  record(i: number, err: unknown): void {
    const { recoverable } = classifyAmqpError(err);
    const text = `${messageOf(err)} (node ${redactUrl(this.urls[i]!)})`;
    this.last[i] = new TransportError(text, recoverable, { cause: err });
  }

  clear(i: number): void {
    this.last[i] = undefined;
  }

  /** The first node's refusal when every node failed with a non-recoverable error, else undefined. */
  refused(): TransportError | undefined {
    if (this.last.some((e) => !e || e.recoverable)) return undefined;
    return this.last[0];
  }

  /** What a failed connect rejects with: the refusal, or "unreachable" with every node's last cause. */
  summary(): TransportError {
    const refused = this.refused();
    if (refused) return refused;
    const causes = this.last.map((e, i) => e?.message ?? `not tried (node ${redactUrl(this.urls[i]!)})`);
    return new TransportError(`no RabbitMQ node reachable: ${causes.join('; ')}`, true);
  }
}
