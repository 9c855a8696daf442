import type {
  JobRecord,
  JobState,
  TransitionOutcome,
  TransitionPatch,
  TransitionRefusal,
} from '@warren/core';
import { leaseArg, ttlArg } from './arg-bounds';

/**
 * How a JobRecord lives in the job hash. Every value is a string: JSON for the free-form
 * fields (so `"5"` and `5` stay apart), decimal for counters, ISO-8601 for times.
 * `owner` and `leaseUntil` (epoch ms) are lease bookkeeping and never leave the store.
 */
const JSON_FIELDS = ['input', 'result', 'error', 'progress'] as const;
const INT_FIELDS = ['attempts', 'maxAttempts'] as const;
const TEXT_FIELDS = [
  'task',
  'queue',
  'state',
  'enqueuedAt',
  'startedAt',
  'finishedAt',
  'notBefore',
  'expiresAt',
  'region',
  'idempotencyKey',
] as const;

/** Fields taken from the patch only when the transition creates the record. */
const CREATION_FIELDS = [
  'task',
  'queue',
  'enqueuedAt',
  'input',
  'maxAttempts',
  'region',
  'notBefore',
  'expiresAt',
  'idempotencyKey',
] as const;
/** Fields written on every transition that carries them ('attempts' first: the script reads it there). */
const UPDATE_FIELDS = ['attempts', 'result', 'error', 'progress'] as const;

const isJson = (f: string): boolean => (JSON_FIELDS as readonly string[]).includes(f);

function encodeField(field: string, value: unknown): string {
  return isJson(field) ? JSON.stringify(value) : String(value);
}

function pairs(patch: TransitionPatch, fields: readonly (keyof TransitionPatch)[]): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const v = patch[f];
    if (v === undefined) continue;
    const s = encodeField(f, v);
    if (s !== undefined) out.push(f, s); // JSON.stringify(fn) is undefined: such a value is not storable
  }
  return out;
}

/** One key's ARGV segment for the transition script (see lua/transition-script.ts for the layout). */
export function transitionArgs(
  to: JobState,
  patch: TransitionPatch,
  opts: { ttlS: number; leaseMs: number; channel: string; idemPrefix?: string; id?: string },
): string[] {
  const create = pairs(patch, CREATION_FIELDS);
  const update = pairs(patch, UPDATE_FIELDS);
  return [
    to,
    ttlArg(patch.ttlS, opts.ttlS),
    patch.owner ?? '',
    leaseArg(patch.leaseMs, opts.leaseMs),
    opts.channel,
    String(create.length / 2),
    patch.returnRecord === false ? '0' : '1',
    String(update.length / 2),
    patch.renew ? '1' : '0',
    opts.idemPrefix ?? '',
    opts.id ?? '',
    patch.nextAttempt === undefined ? '' : String(patch.nextAttempt),
    patch.unlessLeased ? '1' : '0',
    patch.ifExists ? '1' : '0',
    ...create,
    ...update,
  ];
}

/**
 * One key's ARGV segment for the create script (lua/create-script.ts): ttlS, then the fields of
 * a new record: what the transition script writes when it creates one (state, attempts 0, the
 * creation and update fields of the patch, the script's defaults for task, queue and
 * enqueuedAt). `enqueuedAt` defaults to this process's clock here, not Redis's; the producer
 * always sets it.
 */
export function createArgs(state: JobState, patch: TransitionPatch, ttlS: number): string[] {
  return [
    ttlArg(patch.ttlS, ttlS),
    'state',
    state,
    'attempts',
    '0',
    ...(patch.task === undefined ? ['task', 'unknown'] : []),
    ...(patch.queue === undefined ? ['queue', 'default'] : []),
    ...(patch.enqueuedAt === undefined ? ['enqueuedAt', new Date().toISOString()] : []),
    ...pairs(patch, CREATION_FIELDS),
    ...pairs(patch, UPDATE_FIELDS),
  ];
}

const toWellFormed = (s: string): string => s.replace(/\p{Cs}/gu, '\uFFFD');

/**
 * One key's segment as the single JSON string the script decodes (cjson): one Redis argument per
 * transition instead of ~20 kept ioredis' per-argument work off the hot path. JSON.stringify
 * escapes only lone surrogates as \udXXX, which cjson rejects; they become U+FFFD, the bytes
 * a UTF-8 write would have stored for them anyway.
 */
export function encodeSegment(args: string[]): string {
  const json = JSON.stringify(args);
  return json.includes('\\ud') ? JSON.stringify(args.map(toWellFormed)) : json;
}

/** A job hash (as field → value) back into the public record. */
export function decodeRecord(id: string, hash: Record<string, string>): JobRecord | undefined {
  if (!hash.state) return undefined;
  const rec: Record<string, unknown> = { id };
  for (const f of TEXT_FIELDS) if (hash[f] !== undefined) rec[f] = hash[f];
  for (const f of INT_FIELDS) if (hash[f] !== undefined) rec[f] = Number(hash[f]);
  for (const f of JSON_FIELDS) if (hash[f] !== undefined) rec[f] = JSON.parse(hash[f]);
  return rec as JobRecord;
}

/** A flat [field, value, field, value, ...] reply (HGETALL over RESP2) as an object. */
export function pairsToHash(flat: readonly unknown[], from = 0): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = from; i + 1 < flat.length; i += 2) hash[String(flat[i])] = String(flat[i + 1]);
  return hash;
}

/** A Redis error the script caught for one key; named like ioredis' so toStoreError reads it alike. */
export class KeyReplyError extends Error {
  override name = 'ReplyError';
}

/** The transition script's reply as a TransitionOutcome; throws on an `error` entry. */
export function decodeOutcome(id: string, reply: unknown): TransitionOutcome {
  if (!Array.isArray(reply) || (reply[0] !== 'ok' && reply[0] !== 'refused')) {
    if (Array.isArray(reply) && reply[0] === 'error') throw new KeyReplyError(String(reply[1]));
    throw new Error(`unexpected transition script reply: ${JSON.stringify(reply)}`);
  }
  if (reply[0] === 'refused') {
    const state = reply[2] ? (String(reply[2]) as JobState) : undefined;
    const out: TransitionOutcome = { ok: false, reason: reply[1] as TransitionRefusal, state };
    if (reply[3] !== undefined && reply[3] !== null) out.leaseRemainingMs = Number(reply[3]);
    return out;
  }
  const from = reply[1] ? (reply[1] as JobState) : undefined;
  if (reply.length === 2) return { ok: true, from }; // asked without the record
  const record = decodeRecord(id, pairsToHash(reply, 2));
  if (!record) throw new Error(`transition script wrote no state for ${id}`);
  return { ok: true, record, from };
}
