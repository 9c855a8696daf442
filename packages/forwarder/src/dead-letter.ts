import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { deadLetterOptions } from './provenance';
import { ReturnedMessages } from './returned-messages';

/** Times a returned copy is re-sent (after declaring the DLQ again) before the session fails. */
const MAX_RETURNS = 3;

/**
 * Copies messages to `<queue>.dlq` on the source broker, on the source's confirm channel. The copy
 * is `mandatory`: a confirm alone does not prove it was stored (RabbitMQ confirms an unroutable
 * message too, e.g. once an operator deleted the DLQ), so a returned copy counts as not sent: the
 * DLQ is declared again and the copy re-sent.
 */
export class DeadLetterQueue {
  readonly name: string;
  private readonly queue: string;
  private ready?: Promise<void>;
  private readonly returned = new ReturnedMessages<true>();

  constructor(
    private readonly conn: ChannelModel,
    private readonly ch: ConfirmChannel,
    sourceQueue: string,
    private readonly link: string,
    private readonly queueType: 'quorum' | 'classic' = 'quorum',
  ) {
    this.queue = sourceQueue;
    this.name = `${sourceQueue}.dlq`;
    ch.on('return', (m: Message) => {
      if (m.fields.exchange === '' && m.fields.routingKey === this.name)
        this.returned.add(m.content, m.fields.routingKey, true);
    });
  }

  /** Resolves once the copy is confirmed and was routed to the DLQ; rejects otherwise. */
  async send(msg: Message, reason: string, attempt = 1): Promise<void> {
    this.ready ??= this.ensureQueue();
    try {
      await this.ready;
    } catch (err) {
      this.ready = undefined;
      throw err;
    }
    const options = deadLetterOptions(msg.properties, reason, this.link, this.queue);
    options.mandatory = true;
    await new Promise<void>((resolve, reject) => {
      this.ch.sendToQueue(this.name, msg.content, options, (err: unknown) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
      );
    });
    if (!this.returned.take(msg.content, this.name)) return;
    this.ready = undefined;
    if (attempt >= MAX_RETURNS) throw new Error(`copy returned as unroutable ${attempt} times`);
    return this.send(msg, reason, attempt + 1);
  }

  private async ensureQueue(): Promise<void> {
    const probe = await this.conn.createChannel();
    probe.on('error', () => {});
    try {
      await probe.checkQueue(this.name);
      await probe.close();
    } catch {
      // Missing: declare it the way warren's topology does (durable, the work queue's type; see
      // @warren/amqp's queue-arguments.ts): a quorum DLQ of a classic queue made warren's next
      // declare of that queue fail for good (QueueArgumentsMismatchError).
      const c = await this.conn.createChannel();
      c.on('error', () => {});
      await c.assertQueue(this.name, { durable: true, arguments: { 'x-queue-type': this.queueType } });
      await c.close();
    }
  }
}
