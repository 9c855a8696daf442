import type {
  BatchItemResult,
  EnqueueBatchResponse,
  EnqueueRequest,
  EnqueueResponse,
  JobRecord,
  Problem,
} from '@warren/protocol';
import { isRetryableStatus, parseRetryAfter, WaitTimeoutError, WarrenHttpError } from './errors';
import type { BatchItems, InputFor, OutputFor, TaskArg } from './task-ref';

export interface RetryOptions {
  /** Attempts in all (1 = no retries). Default 4. */
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
}

/** Any fetch-compatible function (global fetch, a Hono app's `request`, a proxying fetch). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response> | Response;

export interface ClientOptions {
  url: string;
  apiKey?: string;
  fetch?: FetchLike;
  retry?: RetryOptions;
}

export type EnqueueOptions = Omit<EnqueueRequest, 'task' | 'input'>;

/** One job of `enqueueMany`: a task (definition or name), its input and the enqueue options. */
export type BatchJob = { task: TaskArg; input?: unknown } & EnqueueOptions;

export interface JobHandle<TOut = unknown> extends EnqueueResponse {
  /** True when the ingest answered 200 for a repeated idempotency key. */
  replayed: boolean;
  /** Type carrier only: lets `wait(handle)` infer the result type. */
  readonly __output?: TOut;
}

export interface TypedJobRecord<TOut> extends Omit<JobRecord, 'result'> {
  result?: TOut;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'expired']);
/** The protocol's MAX_BATCH, written here so the client bundle takes no zod (a test holds them equal). */
export const BATCH_MAX = 1000;

/**
 * The producer client: `fetch` only, so it runs on Node, Lambda, Workers, Deno and browsers.
 * Retries 429/503/network errors with full-jitter backoff that honours Retry-After, and always
 * sends an idempotency key, so a retried enqueue can never create a second job.
 */
export function createClient(opts: ClientOptions) {
  const base = opts.url.replace(/\/+$/, '');
  const doFetch: FetchLike = opts.fetch ?? ((url, init) => fetch(url, init));
  const attempts = Math.max(1, opts.retry?.attempts ?? 4);
  const baseMs = opts.retry?.baseMs ?? 200;
  const maxMs = opts.retry?.maxMs ?? 5000;
  /** Full jitter: uniform in [0, min(max, base·2^(attempt-1))). */
  const backoffMs = (attempt: number) => Math.random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    // A POST's 409 means its idempotency key is still being accepted (an earlier try whose answer
    // was lost is publishing): retried, it answers that job (200), so it is not an error to show.
    const retryable = (status: number) => isRetryableStatus(status) || (status === 409 && method === 'POST');
    let lastErr: unknown;
    for (let i = 1; i <= attempts; i++) {
      let retryAfterMs: number | undefined;
      try {
        const res = await doFetch(base + path, {
          method,
          headers: {
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        const data = parseJson(text);
        if (res.ok) {
          // A 2xx that is not JSON is a broken hop (a proxy's page): retried like a network error.
          if (text && data === undefined) throw new Error(`HTTP ${res.status} with a body that is not JSON`);
          return { status: res.status, data: data as T, headers: res.headers };
        }
        // An error page that is not JSON (a proxy, a wrong URL) still fails by its status.
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        lastErr = new WarrenHttpError(res.status, data as Problem | undefined, retryAfterMs);
        if (!retryable(res.status)) throw lastErr;
      } catch (err) {
        if (err instanceof WarrenHttpError && !retryable(err.status)) throw err;
        lastErr = err;
      }
      if (i < attempts) await sleep(Math.max(retryAfterMs ?? 0, backoffMs(i)));
    }
    throw lastErr;
  }

  async function enqueue<T extends TaskArg>(
    task: T,
    input: InputFor<T>,
    options: EnqueueOptions = {},
  ): Promise<JobHandle<OutputFor<T>>> {
    const name = typeof task === 'string' ? task : task.name;
    const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID();
    const res = await request<EnqueueResponse>('POST', '/v1/jobs', {
      ...options,
      task: name,
      input,
      idempotencyKey,
    });
    return { ...res.data, replayed: res.status === 200 };
  }

  /**
   * Many jobs, one result per job in order. Longer lists than the ingest takes in one batch go
   * in consecutive requests of BATCH_MAX (as `@warren/sdk/direct` does). Items answered 429 or
   * 503 (the broker could not take them) are sent again, alone, with backoff and their same
   * idempotency keys, up to the client's attempts; what still fails is returned as its problem.
   */
  async function enqueueMany<const J extends readonly BatchJob[]>(
    jobs: J & BatchItems<J>,
  ): Promise<BatchItemResult[]> {
    const items = jobs.map((j) => ({
      ...j,
      task: typeof j.task === 'string' ? j.task : j.task.name,
      idempotencyKey: j.idempotencyKey ?? crypto.randomUUID(),
    }));
    const out: BatchItemResult[] = [];
    let from = 0;
    do {
      // One call at least: an empty list gets the ingest's own 400.
      let pending = items.slice(from, from + BATCH_MAX).map((_, k) => from + k);
      for (let attempt = 1; ; attempt++) {
        const body = { jobs: pending.map((i) => items[i]) };
        const { results } = (await request<EnqueueBatchResponse>('POST', '/v1/jobs/batch', body)).data;
        const again: number[] = [];
        results.forEach((r, k) => {
          out[pending[k]!] = r;
          // 409: the item's key is still being accepted by an earlier try (see `request`).
          if (isRetryableStatus(r.status) || r.status === 409) again.push(pending[k]!);
        });
        if (again.length === 0 || attempt >= attempts) break;
        pending = again;
        await sleep(backoffMs(attempt));
      }
      from += BATCH_MAX;
    } while (from < items.length);
    return out;
  }

  async function get<TOut = unknown>(id: string): Promise<TypedJobRecord<TOut>> {
    return (await request<TypedJobRecord<TOut>>('GET', `/v1/jobs/${encodeURIComponent(id)}`)).data;
  }

  /** Long-polls the ingest (`?wait=`) until the job is terminal or `timeoutMs` passes. */
  async function wait<TOut = unknown>(
    job: string | { id: string } | JobHandle<TOut>,
    { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
  ): Promise<TypedJobRecord<TOut>> {
    const id = typeof job === 'string' ? job : job.id;
    const until = Date.now() + timeoutMs;
    for (;;) {
      // Whole milliseconds, so the last second is one long-poll too, not ten 100 ms polls.
      const waitMs = Math.max(0, Math.min(20_000, until - Date.now()));
      const path = `/v1/jobs/${encodeURIComponent(id)}${waitMs > 0 ? `?wait=${waitMs}ms` : ''}`;
      const rec = (await request<TypedJobRecord<TOut>>('GET', path)).data;
      if (TERMINAL.has(rec.state)) return rec;
      if (Date.now() >= until) throw new WaitTimeoutError(id, timeoutMs);
      // A server that answered before the wait ran out (or ignores `wait`) must not cause a hot loop.
      await sleep(Math.min(100, Math.max(0, until - Date.now())));
    }
  }

  async function cancel(id: string): Promise<TypedJobRecord<unknown>> {
    return (await request<TypedJobRecord<unknown>>('DELETE', `/v1/jobs/${encodeURIComponent(id)}`)).data;
  }

  return { enqueue, enqueueMany, get, wait, cancel };
}

export type WarrenClient = ReturnType<typeof createClient>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
