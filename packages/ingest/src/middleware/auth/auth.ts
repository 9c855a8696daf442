import {
  type ApiKey,
  constantTimeEqual,
  ForbiddenError,
  UnauthorizedError,
  ValidationError,
} from '@warren/core';
import type { MiddlewareHandler } from 'hono';

declare module 'hono' {
  interface ContextVariableMap {
    /** The API key that authenticated this request (undefined when the ingest runs open). */
    apiKey: ApiKey | undefined;
  }
}

/**
 * `Authorization: Bearer <key>`. Every configured key is compared (constant time, no early exit),
 * so response time does not reveal which key or how much of it matched. With no keys the ingest
 * runs open; the production entry points refuse to start that way (see `assertAuthConfigured`).
 */
export function bearerAuth(keys: readonly ApiKey[]): MiddlewareHandler {
  return async (c, next) => {
    if (keys.length === 0) {
      c.set('apiKey', undefined);
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    // The header sent twice, joined by the adapter into "Bearer a, Bearer b" (Node, API
    // Gateway's multiValueHeaders) or "Bearer a; Bearer b" (an ALB's): a malformed request
    // (RFC 6750 invalid_request), not a wrong key. A comma or semicolon inside one key (a config
    // file's key may hold one) is not followed by a scheme and a space.
    if (SECOND_CREDENTIAL.test(header)) {
      throw new ValidationError('more than one Authorization header', [
        { path: 'Authorization', message: 'send one Authorization: Bearer <key> header' },
      ]);
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m)
      throw new UnauthorizedError(
        header ? 'malformed Authorization header' : 'missing Authorization: Bearer <key>',
      );
    const token = m[1]!;
    let found: ApiKey | undefined;
    for (const k of keys) {
      // Every key is compared, with no early exit, so the time says nothing about which matched.
      if (constantTimeEqual(k.key, token) && !found) found = k;
    }
    if (!found) throw new UnauthorizedError('invalid API key');
    c.set('apiKey', found);
    return next();
  };
}

/** A comma or semicolon, then an auth scheme (an RFC 9110 token) and a space: another credential. */
const SECOND_CREDENTIAL = /[,;]\s*[\w!#$%&'*+.^`|~-]+\s+\S/;

/**
 * `*` matches any run of characters; everything else is literal. Matched by the greedy
 * two-pointer walk (at most pattern × name steps), not a regex of `.*`s: that backtracked
 * exponentially in the stars on a name a client sends, e.g. 2.3 s of CPU for `a*.*.*.*.*.z`
 * against a 128-character name, the whole ingest stalled meanwhile.
 */
export function taskPatternMatches(pattern: string, task: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1; // the last * seen, and where in the name its run ends so far
  let starAt = 0;
  while (t < task.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      starAt = t;
    } else if (p < pattern.length && pattern[p] === task[t]) {
      p++;
      t++;
    } else if (star >= 0) {
      // Mismatch: let the last * take one more character, then go on from after it.
      p = star + 1;
      t = ++starAt;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

export function keyAllowsTask(key: ApiKey | undefined, task: string): boolean {
  return !key?.tasks || key.tasks.some((p) => taskPatternMatches(p, task));
}

export function assertTaskAllowed(key: ApiKey | undefined, task: string): void {
  if (!keyAllowsTask(key, task)) {
    throw new ForbiddenError(`API key${key?.name ? ` "${key.name}"` : ''} may not use task ${task}`);
  }
}

/** Production entry points call this at start-up: an ingest open to the internet is a mistake. */
export function assertAuthConfigured(keys: readonly ApiKey[], where: string): void {
  if (keys.length === 0) {
    throw new Error(
      `${where}: no API keys configured (set WARREN_API_KEYS or auth.keys in the config); refusing to start an open ingest`,
    );
  }
}
