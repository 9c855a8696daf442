import type { ConfirmChannel, Options } from 'amqplib';
import { closeQuietly, connectFirst } from './connect';
import { type PublishWriter, publishWriter } from './publish-writer';
import { optionsOf } from './raw-properties';
import { redactUrl } from './redact';
import { ReturnedMessages } from './returned-messages';
import type { OpenSink, OutItem, Sink, SinkEvents } from './sink';
import type { AmqpDestination } from './types';

const NACK_RETRY_MS = [50, 100, 250, 500, 1000, 2000];

/** Confirm channels per destination when the link does not say (see AmqpDestination.channels). */
export const DEFAULT_PUBLISH_CHANNELS = 8;
const MAX_PUBLISH_CHANNELS = 64;

function channelCount(n: number | undefined): number {
  if (n === undefined) return DEFAULT_PUBLISH_CHANNELS;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PUBLISH_CHANNELS) {
    throw new Error(`destination channels must be an integer from 1 to ${MAX_PUBLISH_CHANNELS}, got ${n}`);
  }
  return n;
}

type Publisher = Omit<PublishWriter, 'publishRaw'> & Partial<Pick<PublishWriter, 'publishRaw'>>;
/** A channel's publisher and the messages it had returned, each waiting for its confirm. */
type Out = { pub: Publisher; returned: ReturnedMessages<string> };

const amqplibPublisher = (ch: ConfirmChannel, exchange: string): Publisher => ({
  publish: (key, content, options, cb) => ch.publish(exchange, key, content, options, cb),
});

/**
 * Destination on RabbitMQ: confirm channels (default 8, round-robin), every publish in flight at
 * once (bounded by the link's prefetch), each source message settled by its own confirm, in
 * whatever order the channels confirm (the ack tracker acks only a contiguous confirmed prefix).
 * With more than one channel the destination may enqueue in a different order than the source
 * held; `channels: 1` keeps it. `mandatory` publishes, never a silent drop: unroutable to a queue
 * is a broken link (queue deleted), through an exchange that one message is refused (dead-lettered).
 */
export function amqpSink(dest: AmqpDestination): OpenSink {
  if (!dest.queue && !dest.exchange) throw new Error('amqp destination needs a queue or an exchange');
  const count = channelCount(dest.channels);
  // The destination's max_message_size once it refused a body (RabbitMQ does not announce it):
  // kept across sessions, so the next one dead-letters that body instead of failing on it again.
  let maxBody: number | undefined;
  return async (events: SinkEvents): Promise<Sink> => {
    const { conn, url } = await connectFirst(dest.urls, 'destination');
    let closing = false;
    const fail = (err: Error) => {
      if (!closing) events.failed(err);
    };
    conn.on('error', (err: Error) => fail(new Error(`destination connection: ${err.message}`)));
    conn.on('close', () => fail(new Error('destination connection closed')));
    conn.on('blocked', (reason: string) => {
      events.blocked?.(true);
      events.warn?.(`destination blocked: ${reason}`);
    });
    conn.on('unblocked', () => events.blocked?.(false));
    let channels: ConfirmChannel[];
    try {
      // Opened at once: each open is two round trips, which a far region makes slow.
      channels = await Promise.all(Array.from({ length: count }, () => conn.createConfirmChannel()));
      // Passive checks: the destination's topology is owned by its region, the forwarder never declares it.
      if (dest.queue) await channels[0]!.checkQueue(dest.queue);
      else await channels[0]!.checkExchange(dest.exchange!);
    } catch (err) {
      closing = true;
      await closeQuietly(conn);
      throw new Error(`destination ${redactUrl(url)}: ${(err as Error).message}`);
    }
    const exchange = dest.exchange ?? '';
    const outs = channels.map((ch): Out => {
      // One socket write per burst of publishes (see publish-writer.ts); amqplib's own publish if
      // its internals ever change shape.
      const out: Out = {
        pub: publishWriter(ch, exchange) ?? amqplibPublisher(ch, exchange),
        returned: new ReturnedMessages(),
      };
      ch.on('error', (err: Error) => {
        maxBody = refusedSize(err.message) ?? maxBody;
        fail(new Error(`destination channel: ${err.message}`));
      });
      ch.on('close', () => fail(new Error('destination channel closed')));
      ch.on('return', (msg) => {
        const fields = msg.fields as { replyText?: string; routingKey?: string };
        const why = fields.replyText ?? 'NO_ROUTE';
        // To a queue, unroutable means the queue is gone: the link is broken (a restart's passive
        // check then fails before consuming). Through an exchange it is this message's routing key:
        // only that message is refused (dead-lettered), matched to its confirm, which follows the return.
        out.returned.add(msg.content, fields.routingKey ?? '', why);
        if (dest.queue) fail(new Error(`destination returned a message as unroutable (${why}); queue gone?`));
      });
      return out;
    });
    const publishers = outs.map((o) => o.pub);
    // Round-robin over the channels: the broker runs each channel in its own Erlang process, so
    // the per-publish work (decode, route, confirm) spreads over its schedulers instead of one
    // channel process capping the link (measured: packages/forwarder/README.md, Performance).
    let next = 0;
    const pick = (): Out => outs[next++ % outs.length]!;
    const fixedKey = dest.queue ?? dest.routingKey;

    const send = (item: OutItem, attempt = 0): void => {
      if (closing) return;
      if (maxBody !== undefined && item.content.length > maxBody) {
        const size = `${item.content.length} bytes, max_message_size ${maxBody}`;
        events.rejected(item.tag, `larger than the destination takes (${size})`);
        return;
      }
      const key = fixedKey ?? item.routingKey;
      const out = pick();
      const onConfirm = (err: unknown) => {
        if (closing) return;
        if (!err) {
          const why = out.returned.take(item.content, key);
          if (why === undefined) return events.confirmed(item.tag);
          // Confirmed yet dropped: never settled. To a queue the link is failing; the message stays at the source.
          if (dest.queue) return;
          return events.rejected(item.tag, `unroutable at the destination (${why}, routing key ${key})`);
        }
        if (String((err as Error)?.message ?? err).includes('closed')) return; // the close handler restarts the link
        // A nack (e.g. reject-publish on a full queue): keep the message in flight and retry; the source
        // keeps it unacked meanwhile, so nothing is lost if we restart instead.
        events.warn?.(`destination nacked a message (attempt ${attempt + 1}); retrying`);
        const delay = NACK_RETRY_MS[Math.min(attempt, NACK_RETRY_MS.length - 1)]!;
        setTimeout(() => send(item, attempt + 1), delay);
      };
      if (item.rawProps && out.pub.publishRaw) {
        out.pub.publishRaw(key, item.content, item.rawProps, onConfirm);
        return;
      }
      // Set in place (the options are fresh per message): a spread copy per publish made amqplib's
      // option reads slow (measured on the publisher: ~8% of its CPU).
      const options = optionsOf(item) as Options.Publish;
      options.mandatory = true;
      out.pub.publish(key, item.content, options, onConfirm);
    };

    return {
      description: `${redactUrl(url)} ${dest.queue ? `queue ${dest.queue}` : `exchange ${dest.exchange}`}`,
      rawProperties: publishers.every((p) => p.publishRaw !== undefined),
      send: (item) => send(item),
      close: async () => {
        closing = true;
        await closeQuietly(conn);
      },
    };
  };
}

/**
 * The limit named by RabbitMQ's refusal of a body over its max_message_size (406, which closes the
 * channel, so the publish cannot be told apart from the others on it), else undefined.
 */
export function refusedSize(message: string): number | undefined {
  const m = /message size \d+ is larger than configured max size (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}
