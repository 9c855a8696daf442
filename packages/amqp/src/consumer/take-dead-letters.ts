import { TransportError } from '@warren/core';
import type { ChannelModel, GetMessage } from 'amqplib';
import type { DecodeResult, IncomingMessage } from '../codec';
import { bounded, NoAnswerError } from '../connection/no-answer';
import { dlqName } from '../topology/queue-arguments';
import { type DeadLetterRecord, deadLetterFields } from './peek-dead-letters';

export interface TakenDeadLetter extends DeadLetterRecord {
  decoded: DecodeResult;
}

/** Dead letters held (unacked) on a channel of their own until `end`. */
export interface DeadLetterTake {
  /** In queue order. */
  readonly letters: readonly TakenDeadLetter[];
  /** Messages left in the DLQ behind the ones taken (the broker's count at the last get). */
  readonly remaining: number;
  /**
   * Removes `letter` from the DLQ. AMQP never answers an ack: it is certainly done only once
   * `end` resolves. Throws (recoverable) when the channel is gone, which handed the letter back.
   */
  ack(letter: TakenDeadLetter): void;
  /**
   * Hands back every letter not acked (nack with requeue, in queue order) and closes the channel,
   * waiting for the broker's close-ok, which comes after it has processed every ack and nack.
   * Rejects when the channel closed under us or the close is not answered: acks may then be lost
   * (those letters are back in the DLQ), never a letter.
   */
  end(): Promise<void>;
}

/**
 * Takes up to `max` messages of `<queue>.dlq` with basic.get (manual ack) and decodes each with
 * the queue's codec. Nothing leaves the DLQ unless acked: a channel closed for any reason, or a
 * process that dies, hands every unacked message back. Each reply is bounded by `ms`, as a peek's.
 */
export async function takeDeadLetters(
  model: ChannelModel,
  queue: string,
  max: number,
  ms: number,
  decode: (m: IncomingMessage) => DecodeResult,
): Promise<DeadLetterTake> {
  const what = `take ${dlqName(queue)}`;
  const ch = await bounded(model.createChannel(), ms, what);
  let lost: Error | undefined;
  let ending = false;
  ch.on('error', (err: Error) => {
    lost ??= err;
  });
  ch.on('close', () => {
    if (!ending) lost ??= new Error('channel closed');
  });
  const letters: TakenDeadLetter[] = [];
  const held = new Map<TakenDeadLetter, GetMessage>();
  let remaining = 0;
  try {
    for (let n = 0; n < max; n++) {
      const m = await bounded(ch.get(dlqName(queue), { noAck: false }), ms, what);
      if (!m) break;
      const letter: TakenDeadLetter = { ...deadLetterFields(m), decoded: decode(m) };
      letters.push(letter);
      held.set(letter, m);
      remaining = m.fields.messageCount;
    }
  } catch (err) {
    // Nothing acked yet: the close hands every message back. A silent broker will not answer it.
    const closing = ch.close().catch(() => {});
    if (!(err instanceof NoAnswerError)) await bounded(closing, ms, what).catch(() => {});
    throw err;
  }

  const gone = (how: string) =>
    new TransportError(
      `${what}: ${how} (${lost?.message ?? 'no answer'}); unacked messages went back to the DLQ`,
      true,
      { cause: lost },
    );
  return {
    letters,
    remaining,
    ack(letter) {
      const m = held.get(letter);
      if (!m) return; // acked already, or not ours
      if (lost) throw gone('the channel closed');
      try {
        ch.ack(m);
      } catch (err) {
        lost ??= err as Error;
        throw gone('the channel closed');
      }
      held.delete(letter);
    },
    async end() {
      ending = true;
      if (lost) throw gone('the channel closed before the acks were confirmed');
      try {
        for (const l of letters) {
          const m = held.get(l);
          if (m) ch.nack(m, false, true);
        }
        await bounded(ch.close(), ms, `close ${what}`);
      } catch (err) {
        lost ??= err as Error;
        throw gone('the acks were not confirmed');
      }
      held.clear();
    },
  };
}
