import { onAbort } from '@warren/protocol/on-abort';
import { isRetryableStatus, parseRetryAfter, problemIn, statusMessage, WarrenHttpError } from './errors';
import type { PollSlot } from './long-poll-budget';
import { type RetryOptions, retryPolicy } from './retry-policy';

export type { RetryOptions } from './retry-policy';

/**
 * Any fetch-compatible function (global fetch, a Hono app's `request`, a proxying fetch). It is
 * called on its own, so a Worker's service binding goes as `(url, init) => env.INGEST.fetch(url, init)`:
 * `env.INGEST.fetch` alone loses its binding (workerd: "Illegal invocation", retried as a network error).
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response> | Response;

export interface RequesterOptions {
  url: string;
  apiKey?: string;
  fetch?: FetchLike;
  retry?: RetryOptions;
}

/** One call's bounds. */
export interface Call {
  /** Epoch ms: no retry pause ends later, and a try unanswered by then is aborted. */
  until: number;
  /**
   * A long-poll: each try's path is built with its wait (the time left, at most `maxMs`), and the
   * try is aborted `graceMs` after that wait if unanswered, and never later than `lateMs` past
   * `until`: the caller's timeout bounds the call, not the grace. A try that gets no `slot` (the
   * client's long-polls are all in flight) is a short GET, its path built with a wait of 0.
   */
  poll?: { maxMs: number; graceMs: number; lateMs: number; slot?: PollSlot };
  signal?: AbortSignal;
  /** Set once a try failed and another is sent: the first may have taken effect. */
  retried?: boolean;
}

/** What a call takes as its 2xx answer, by shape: another server's JSON (a wrong `url`) is not it. */
export interface Expected {
  what: string;
  is(data: unknown): boolean;
}

/** setTimeout's limit: a longer delay fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The retrying fetch under every client call: retries 429/503/502/504 and network errors with
 * full-jitter backoff that honours Retry-After, inside the call's deadline.
 */
export function createRequester(opts: RequesterOptions) {
  // A query on the base URL (a gateway's token) goes after each call's path, joined to its own.
  const q = opts.url.indexOf('?');
  const query = q < 0 ? '' : opts.url.slice(q + 1);
  const base = (q < 0 ? opts.url : opts.url.slice(0, q)).replace(/\/+$/, '');
  const withQuery = (path: string) => (query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path);
  const doFetch: FetchLike = opts.fetch ?? ((url, init) => fetch(url, init));
  const { deadlineMs, pauseAfter, acceptingPauseAfter, waitPauseAfter } = retryPolicy(opts.retry);

  /** One try: the answer's status, parsed body and headers; aborted at `timeoutMs` or by `signal`. */
  async function once(url: string, init: RequestInit, timeoutMs: number, signal?: AbortSignal) {
    const ctl = new AbortController();
    const off = signal ? onAbort(signal, () => ctl.abort(signal.reason)) : undefined;
    const timer =
      timeoutMs < MAX_TIMER_MS
        ? // Without the query: the base URL's may be a gateway's token, and errors get logged.
          setTimeout(
            () => ctl.abort(new Error(`no answer from ${url.split('?')[0]} within the deadline`)),
            timeoutMs,
          )
        : undefined;
    try {
      const res = await doFetch(url, { ...init, signal: ctl.signal });
      const text = await res.text();
      return { res, text, data: parseJson(text) };
    } finally {
      // Workers' types take number | null, not undefined.
      if (timer !== undefined) clearTimeout(timer);
      off?.();
    }
  }

  async function request<T>(
    method: string,
    path: string | ((waitMs: number) => string),
    body: unknown,
    call: Call,
    expected: Expected,
    headers?: Record<string, string>,
  ) {
    // A POST's 409 means its idempotency key is still being accepted (an earlier try whose answer
    // was lost is publishing): retried, it answers that job (200), so it is not an error to show.
    const retryable = (status: number) => isRetryableStatus(status) || (status === 409 && method === 'POST');
    const init: RequestInit = {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    // A wait's polls are retried until its end (waitPauseAfter), the rest `attempts` times.
    let lastErr: unknown;
    for (let i = 1; ; i++) {
      call.signal?.throwIfAborted();
      let retryAfterMs: number | undefined;
      let accepting = false;
      const left = Math.max(0, call.until - Date.now());
      // Taken for this try only: a retry's pause holds no connection, so it holds no slot.
      const slot = call.poll?.slot?.take() ? call.poll.slot : undefined;
      const waitMs = call.poll ? (slot || !call.poll.slot ? Math.min(left, call.poll.maxMs) : 0) : left;
      try {
        const url = base + withQuery(typeof path === 'string' ? path : path(waitMs));
        const tryMs = call.poll ? Math.min(waitMs + call.poll.graceMs, left + call.poll.lateMs) : waitMs;
        const { res, text, data } = await once(url, init, tryMs, call.signal);
        if (res.ok) {
          // A 2xx that is not JSON is a broken hop (a proxy's page): retried like a network error.
          if (text && data === undefined) throw new Error(`HTTP ${res.status} with a body that is not JSON`);
          // JSON (or nothing) that is not what a warren ingest answers: the same again if retried.
          if (!expected.is(data)) {
            const shown = `${method} ${url.split('?')[0]} answered ${res.status}`;
            const message = `${shown} with something that is not a warren ${expected.what}: is url a warren ingest?`;
            throw new WarrenHttpError(
              res.status,
              undefined,
              undefined,
              message + redirectNote(method, url, res),
            );
          }
          // A 207 whose items were refused for now says when to send them again.
          return {
            status: res.status,
            data: data as T,
            retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
          };
        }
        // An error page that is not JSON (a proxy, a wrong URL) still fails by its status.
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        const problem = problemIn(data);
        const said = problem ? undefined : statusMessage(res.status, data);
        const err = new WarrenHttpError(res.status, problem, retryAfterMs, said);
        err.message += redirectNote(method, url, res);
        lastErr = err;
        if (!retryable(res.status)) throw lastErr;
        accepting = res.status === 409;
      } catch (err) {
        if (err instanceof WarrenHttpError && !retryable(err.status)) throw err;
        if (call.signal?.aborted) throw call.signal.reason;
        lastErr = err;
      } finally {
        slot?.release();
      }
      const pauseMs = call.poll
        ? waitPauseAfter(i, call.until, retryAfterMs)
        : accepting
          ? acceptingPauseAfter(i, call.until, retryAfterMs)
          : pauseAfter(i, call.until, retryAfterMs);
      if (pauseMs === undefined) break;
      await sleep(pauseMs, call.signal);
      call.retried = true;
    }
    throw lastErr;
  }

  /** The bounds of a call starting now. */
  const startCall = (signal?: AbortSignal): Call => ({ until: Date.now() + deadlineMs, signal });

  return { request, pauseAfter, acceptingPauseAfter, startCall };
}

/**
 * Why an answer that came through a redirect may be for another request than the one made: fetch
 * drops Authorization on a redirect to another origin (http → https is one: a 401 for a client
 * given its key) and turns a POST redirected by 301/302/303 into a GET without its body.
 */
function redirectNote(method: string, url: string, res: Response): string {
  if (!res.redirected) return '';
  const to = res.url.split('?')[0];
  return ` (${method} ${url.split('?')[0]} was redirected to ${to}; fetch drops the Authorization header on a redirect to another origin and re-sends a POST redirected by 301, 302 or 303 as a GET without its body: set url to the address it redirects to)`;
}

/**
 * A pause that ends early, rejecting with the reason, when `signal` aborts; and resolving when
 * `early` settles (a wait handed a long-poll slot).
 */
export function sleep(ms: number, signal?: AbortSignal, early?: Promise<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const end = () => {
      clearTimeout(timer);
      off?.();
      resolve();
    };
    const timer = setTimeout(end, ms);
    const off = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(signal.reason);
        })
      : undefined;
    early?.then(end, end);
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
