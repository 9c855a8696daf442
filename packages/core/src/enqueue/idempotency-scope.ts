import type { ApiKey } from '../config/schema';

/**
 * Idempotency keys belong to the API key that sent them (as Stripe's and QStash's belong to an
 * account): client B sending a key client A used gets a job of its own, never A's job (a replay
 * naming A's id) nor a 422 or 409 telling B about A's request. The ingest stores B's key as
 * `<scope>:<key>`, the scope a digest of the API key's identity: its `name` when set (a rotated key
 * given the old one's name keeps its replays), else the key itself. A digest, so Redis never holds
 * the secret; deterministic, so replays work across ingest restarts and instances. Callers with no
 * API key (an open `warren dev`, `@warren/sdk/direct`) keep unscoped keys, as before.
 */
export function idempotencyScopeOf(key: ApiKey | undefined): Promise<string> | undefined {
  if (!key) return undefined;
  let scope = scopes.get(key);
  if (!scope) {
    scope = digest(key.name !== undefined ? `name\0${key.name}` : `key\0${key.key}`);
    scopes.set(key, scope);
  }
  return scope;
}
// Configured keys are a bounded set of long-lived objects: one digest each.
const scopes = new WeakMap<ApiKey, Promise<string>>();

/** `ak_` and 16 base64url characters (96 bits of SHA-256), then `:`. */
const SCOPED = /^ak_[\w-]{16}:/;
export const scopedIdempotencyKey = (scope: string, key: string): string => `${scope}:${key}`;

/** The key as its client sent it (for answers: a job read back, a problem's message). */
export const clientIdempotencyKey = (stored: string): string => stored.replace(SCOPED, '');

async function digest(identity: string): Promise<string> {
  const bytes = new TextEncoder().encode(`warren idempotency scope\0${identity}`);
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let bin = '';
  for (const b of hash.subarray(0, 12)) bin += String.fromCharCode(b);
  return `ak_${btoa(bin).replace(/\+/g, '-').replace(/\//g, '_')}`;
}
