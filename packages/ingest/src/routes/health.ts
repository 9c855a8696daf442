import type { ResultStore } from '@warren/core';
import { Hono } from 'hono';
import { allowOnly } from '../middleware/problem/problem';

export type ReadinessCheck = () => Promise<unknown>;

export interface HealthDeps {
  results: ResultStore;
  /** Named checks, e.g. `broker:eu-west`; each must resolve within `timeoutMs`. */
  checks?: Record<string, ReadinessCheck>;
  /** Extra detail shown by /readyz (e.g. each region's circuit state). */
  details?: () => unknown;
  timeoutMs?: number;
}

/** `/healthz`: the process answers. `/readyz`: every dependency answers, else 503 with details. */
export function healthRoutes(deps: HealthDeps) {
  const app = new Hono();
  const timeoutMs = deps.timeoutMs ?? 2000;
  const checks: Record<string, ReadinessCheck> = {
    results: () => deps.results.get('00000000-0000-7000-8000-000000000000'),
    ...deps.checks,
  };
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        const t0 = performance.now();
        try {
          await withTimeout(check(), timeoutMs);
          return [name, { ok: true, ms: Math.round(performance.now() - t0) }] as const;
        } catch (err) {
          return [
            name,
            { ok: false, ms: Math.round(performance.now() - t0), error: (err as Error).message },
          ] as const;
        }
      }),
    );
    const ok = entries.every(([, r]) => r.ok);
    return c.json(
      { ok, checks: Object.fromEntries(entries), ...(deps.details ? { details: deps.details() } : {}) },
      ok ? 200 : 503,
    );
  });
  app.all('/healthz', allowOnly('GET', 'HEAD'));
  app.all('/readyz', allowOnly('GET', 'HEAD'));
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
