import { deadLetterProperties, writableHeader } from '@warren/amqp';
import type { MessageProperties, Options } from 'amqplib';
import { viewEnvelope, withHop } from './envelope-splice';
import { spliceForwarded, spliceLayout } from './props-splice';
import { RawProperties } from './raw-properties';

export const FORWARDED_HEADER = 'x-warren-forwarded';
export const REASON_HEADER = 'x-warren-reason';
const MAX_HOPS = 32;
const NONE: readonly unknown[] = [];

export interface HopContext {
  link: string;
  /** Region the message leaves (appended to `hops`). */
  from: string;
  /** Region the message goes to: if it already crossed it, the message is looping. */
  to: string;
  now: number;
  /** The sink takes property bytes (`rawProps`): properties read raw are spliced, not re-encoded. */
  raw?: boolean;
}

export type Prepared =
  | {
      ok: true;
      content: Buffer;
      /** Wire properties, or (fast path, only when `ctx.raw`) `rawProps`: their bytes, flags first. */
      options?: Options.Publish;
      rawProps?: Buffer;
      /** Job id (envelope id, else AMQP message-id): SQS FIFO dedup id. */
      jobId?: string;
    }
  | { ok: false; reason: string };

/**
 * Turns a source message into what the destination gets. Body and properties pass through
 * untouched except: the envelope's `hops` gains the region the message leaves, the
 * `x-warren-forwarded` header gains one entry for this hop, and a per-message TTL is reduced to
 * what remains of it. A message that already crossed the destination region is refused (the caller
 * dead-letters it with the reason) instead of looping.
 */
export function prepareHop(content: Buffer, props: MessageProperties, ctx: HopContext): Prepared {
  if (ctx.raw && props instanceof RawProperties) {
    const fast = firstHopRaw(content, props, ctx);
    if (fast) return fast;
  }
  // Re-encoded (not a first hop's byte copy): as amqp's republishing paths, a foreign double
  // amqplib would take for an int64 (below -2^63) goes as a double, not a RangeError per try.
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props.headers ?? {})) headers[k] = writableHeader(v);
  const prior = Array.isArray(headers[FORWARDED_HEADER]) ? (headers[FORWARDED_HEADER] as unknown[]) : NONE;
  const env = isJson(props.contentType) ? viewEnvelope(content) : undefined;
  // First hop (the usual case): nothing crossed yet, no set to build.
  if (prior.length > 0 || (env && env.hops.length > 0)) {
    const crossed = new Set<string>();
    for (const e of prior) {
      const from = typeof e === 'string' ? /(?:^|;)from=([^;]*)/.exec(e)?.[1] : undefined;
      if (from) crossed.add(from);
    }
    if (env) for (const h of env.hops) crossed.add(h);
    if (crossed.has(ctx.to)) {
      return {
        ok: false,
        reason: `loop: message already crossed region ${ctx.to} (hops: ${[...crossed].join(',')})`,
      };
    }
    // Hops taken, not regions seen: a loop whose region names differ (one broker known by two host
    // names, as URL-derived regions are) never crosses a name twice and went round for ever.
    const taken = Math.max(prior.length, env ? env.hops.length : 0);
    if (taken >= MAX_HOPS) return { ok: false, reason: `too many hops (${taken})` };
  }

  // Remaining TTL: only a message that had a per-message TTL gets one, no longer than it had left
  // (to the AMQP timestamp's second, see below).
  let expiration = props.expiration as string | number | undefined;
  if (expiration !== undefined) {
    let left = Number(expiration);
    // `expiration` counts from when it was last set: the previous hop (its `at=`) if there was one,
    // else the publish (the AMQP timestamp, kept across hops, so only usable on the first hop).
    // AMQP timestamps are whole seconds: the publish is taken as the last millisecond of its
    // second. Taken as the first, a live message with a short TTL (800 ms, published at x.95 s)
    // was dead-lettered "expired in transit", a job lost; now the TTL carried may be up to 999 ms
    // longer than it had left. `at=` and expiresAt are exact.
    const since = lastHopAt(prior) ?? (props.timestamp ? Number(props.timestamp) * 1000 + 999 : undefined);
    if (since !== undefined) left = Math.min(left, Number(expiration) - (ctx.now - since));
    if (env?.expiresAt) left = Math.min(left, Date.parse(env.expiresAt) - ctx.now);
    if (!(left > 0)) return { ok: false, reason: `expired in transit (ttl ${expiration} ms)` };
    expiration = String(Math.floor(left));
  }

  const body = env ? withHop(content, env, ctx.from) : content;
  const entry = hopEntry(ctx);
  headers[FORWARDED_HEADER] = prior.length > 0 ? [...prior, entry] : [entry];

  return {
    ok: true,
    content: body,
    jobId: env?.id ?? (props.messageId as string | undefined),
    options: {
      contentType: props.contentType,
      contentEncoding: props.contentEncoding,
      headers,
      deliveryMode: props.deliveryMode,
      priority: props.priority,
      correlationId: props.correlationId,
      replyTo: props.replyTo,
      expiration,
      messageId: props.messageId,
      timestamp: props.timestamp,
      type: props.type,
      appId: props.appId,
      // userId is left out on purpose: RabbitMQ refuses it unless it equals the destination login.
    },
  };
}

/**
 * The usual case on raw properties: a first hop (no forwarded entries, no `hops` in the envelope),
 * no TTL to recompute. The body gets its hop as in prepareHop, the property bytes one header entry.
 * undefined for anything else (prepareHop then decodes the properties and does the general case).
 */
function firstHopRaw(content: Buffer, props: RawProperties, ctx: HopContext): Prepared | undefined {
  const b = props.bytes;
  const layout = spliceLayout(b);
  if (!layout) return undefined;
  const ct = layout.contentType;
  const env = isJson(ct && b.toString('latin1', ct[0], ct[1])) ? viewEnvelope(content) : undefined;
  if (env && env.hops.length > 0) return undefined;
  return {
    ok: true,
    content: env ? withHop(content, env, ctx.from) : content,
    rawProps: spliceForwarded(b, layout, hopEntry(ctx)),
    jobId: env?.id ?? (props.messageId as string | undefined),
  };
}

/** The `at=` (epoch ms) of the last `x-warren-forwarded` entry, if any. */
function lastHopAt(prior: readonly unknown[]): number | undefined {
  const last = prior[prior.length - 1];
  const at = typeof last === 'string' ? /(?:^|;)at=(\d+)/.exec(last)?.[1] : undefined;
  return at === undefined ? undefined : Number(at);
}

const hopEntry = (ctx: HopContext) => `link=${ctx.link};from=${ctx.from};to=${ctx.to};at=${ctx.now}`;

function isJson(contentType: string | undefined): boolean {
  return !contentType || contentType === 'application/json' || contentType.startsWith('application/json;');
}

/**
 * Properties for the dead-letter copy on the source (`queue`'s DLQ): warren's own letters' (the
 * original properties without the broker's dead-letter history, the reason, when and from which
 * queue: amqp's deadLetterProperties), plus the link, persistent. `warren dlq` reads a letter's
 * death from x-warren-dead-at, else from x-death: without the first, a job that had come through a
 * delay tier showed (and was replayed or dropped in the order of) the tier's expiry.
 */
export function deadLetterOptions(
  props: MessageProperties,
  reason: string,
  link: string,
  queue: string,
): Options.Publish {
  const out = deadLetterProperties({ properties: props }, queue, reason);
  out.headers!['x-warren-link'] = link;
  out.deliveryMode = 2;
  return out;
}
