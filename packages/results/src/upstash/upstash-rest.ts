/**
 * The slice of Upstash's REST API the result store and the Celery metas use: single commands
 * (`POST /` with a JSON array) and Lua scripts by SHA with EVAL on NOSCRIPT, over `fetch` only.
 *
 * Written instead of using @upstash/redis on the Lambda path: that client is 78 KB minified,
 * loads node:crypto at import and cost ~8 ms of every cold start for four commands (measured in
 * bench/suites/worker-cold-start.ts). The behaviour follows it: bearer auth, `{result}` /
 * `{error}` bodies, read-your-writes sync tokens, retries on network errors only.
 */
import { ConfigError, redactUrl } from '@warren/core';

export type UpstashRetry = false | { retries?: number; backoff?: (retryCount: number) => number };

export interface UpstashRestOptions {
  /** `UPSTASH_REDIS_REST_URL` (or the local endpoint of `warren redis-rest`). */
  url: string;
  token: string;
  /** Network failures only (a reply, even a 5xx, is never retried here). Default: none. */
  retry?: UpstashRetry;
  /**
   * Per request (reply body included), default 10 s like the TCP store's commandTimeout: fetch
   * has none, so an endpoint that stops answering held a worker's write forever. Not retried
   * (the command may have run); the store reports it as recoverable.
   */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A reply from the endpoint that is an error: Redis said no (`ERR ...`, `NOSCRIPT ...`) or the
 * endpoint refused (401, 5xx). Named like @upstash/redis' error so toStoreError reads both alike.
 */
export class UpstashError extends Error {
  override name = 'UpstashError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** No reply within `timeoutMs`: the command may or may not have run. */
export class UpstashTimeoutError extends Error {
  override name = 'UpstashTimeoutError';
  constructor(ms: number, cause: unknown) {
    super(`Upstash REST request timed out after ${ms} ms`, { cause });
  }
}

export type RedisArg = string | number;

/** Filled in by a call: `resent` when its reply may be that of a second run (see `command`). */
export interface CallInfo {
  resent?: boolean;
}

/** A Lua script bound to a client: EVALSHA, and EVAL once when the server does not know it. */
export interface UpstashScript {
  exec(keys: string[], args: RedisArg[], info?: CallInfo): Promise<unknown>;
}

export class UpstashRest {
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly attempts: number;
  private readonly backoff: (n: number) => number;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  /** Upstash global databases: later reads carry the last write's token so they see it. */
  private syncToken = '';

  constructor(opts: UpstashRestOptions) {
    if (!/^https?:\/\/\S+$/.test(opts.url))
      throw new TypeError(`Upstash REST URL must be http(s): ${redactUrl(opts.url)}`);
    // fetch refuses such a URL on every request, quoting it password and all; the token authenticates.
    if (/^https?:\/\/[^/?#]*@/.test(opts.url))
      throw new ConfigError(
        `Upstash REST URL must not carry user:password@ (${redactUrl(opts.url)}): the token authenticates`,
      );
    this.url = opts.url.replace(/\/$/, '');
    this.headers = { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' };
    this.attempts = opts.retry === false ? 1 : 1 + (opts.retry?.retries ?? 0);
    this.backoff = (opts.retry ? opts.retry.backoff : undefined) ?? (() => 0);
    this.fetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /**
   * One command; resolves to its reply (strings as UTF-8, HGETALL as a flat array). `info.resent`
   * tells a caller whose command answers differently when run twice that the reply may come from
   * a second run: it was sent again after a failure that may have followed its first.
   */
  async command<T = unknown>(cmd: RedisArg[], info?: CallInfo): Promise<T> {
    const headers = this.syncToken ? { ...this.headers, 'upstash-sync-token': this.syncToken } : this.headers;
    const payload = JSON.stringify(cmd);
    let res: Response | undefined;
    let text = '';
    for (let attempt = 0; !res; attempt++) {
      const signal = AbortSignal.timeout(this.timeoutMs);
      try {
        res = await this.fetchFn(this.url, {
          method: 'POST',
          headers,
          body: payload,
          keepalive: true,
          signal,
        });
        text = await res.text();
      } catch (err) {
        if (signal.aborted) throw new UpstashTimeoutError(this.timeoutMs, err);
        if (res || attempt + 1 >= this.attempts) throw err; // a body cut off may follow a run command
        // Any failure but a connection never made may come after the endpoint ran it (a reset).
        if (info && !notSent(err)) info.resent = true;
        await new Promise((r) => setTimeout(r, this.backoff(attempt)));
      }
    }
    const token = res.headers.get('upstash-sync-token');
    if (token) this.syncToken = token;
    let body: { result?: unknown; error?: string };
    try {
      body = JSON.parse(text);
    } catch {
      throw new UpstashError(`HTTP ${res.status}: ${text.slice(0, 200)}`, res.status);
    }
    if (body.error !== undefined || !res.ok)
      throw new UpstashError(body.error ?? `HTTP ${res.status}`, res.status);
    if (!('result' in body)) throw new UpstashError('reply without a result', res.status);
    return body.result as T;
  }

  script(lua: string): UpstashScript {
    let sha: Promise<string> | undefined;
    return {
      exec: async (keys, args, info) => {
        sha ??= sha1Hex(lua);
        const tail = [keys.length, ...keys, ...args];
        try {
          return await this.command(['EVALSHA', await sha, ...tail], info);
        } catch (err) {
          if (!(err instanceof UpstashError) || !/^NOSCRIPT/i.test(err.message)) throw err;
          return this.command(['EVAL', lua, ...tail], info);
        }
      },
    };
  }
}

/** Failures before a connection was made (Node's fetch names them in `cause.code`). */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether the request surely never reached the endpoint; unknown (other runtimes) counts as sent. */
function notSent(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined, i = 0; e && i < 4; i++) {
    if (e.code && NOT_SENT.has(e.code)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Web Crypto, not node:crypto: the same on Lambda, edge runtimes and browsers. */
async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  let hex = '';
  for (const b of new Uint8Array(digest)) hex += b.toString(16).padStart(2, '0');
  return hex;
}
