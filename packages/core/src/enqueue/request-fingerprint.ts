import type { JobEnvelope } from '@warren/protocol';
import { canonicalJson } from './canonical-json';

/**
 * SHA-256 (base64url, 43 characters) of a request's task, resolved queue and canonical input:
 * kept in an unconfirmed idempotency key, where no record holds the request, so a retry can be
 * compared with it. A digest, not the input itself: the key stays small whatever the input's
 * size. Computed only after a publish with an unknown outcome and on the retry that follows.
 */
export async function requestFingerprint(
  env: Pick<JobEnvelope, 'task' | 'queue' | 'input'>,
): Promise<string> {
  const text = canonicalJson([env.task, env.queue, env.input]);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let bin = '';
  for (const b of digest) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
