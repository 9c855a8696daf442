import { type Backoff, backoffSchema, fieldErrors } from '@warren/protocol';
import * as z from 'zod';

// Task modules load through tsx, which strips types: what TypeScript would have flagged (a
// misspelt option, a plain object for a schema) reaches defineTask as is, and was dropped (the
// default applied) or failed on the first job instead of at start-up.
const OPTIONS = ['name', 'input', 'output', 'queue', 'retry', 'timeoutMs', 'resultTtlS', 'handler'];
const RETRY_OPTIONS = ['maxAttempts', 'backoff'];
const strictBackoff = z.strictObject(backoffSchema.shape);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isSchema = (v: unknown) => isObject(v) && typeof v.safeParse === 'function';

/** Throws a TypeError naming the task and the first misfit: an unknown option, a non-schema, a non-function. */
export function checkTaskOptions(name: string, opts: object): void {
  const o = opts as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !OPTIONS.includes(k));
  if (isObject(o.retry))
    unknown.push(
      ...Object.keys(o.retry)
        .filter((k) => !RETRY_OPTIONS.includes(k))
        .map((k) => `retry.${k}`),
    );
  if (unknown.length > 0)
    throw new TypeError(
      `task ${name}: unknown option ${unknown.join(', ')} (options: ${OPTIONS.join(', ')})`,
    );
  if (!isSchema(o.input))
    throw new TypeError(`task ${name}: input must be a zod schema (z.unknown() takes any)`);
  if (o.output !== undefined && !isSchema(o.output))
    throw new TypeError(`task ${name}: output must be a zod schema`);
  if (o.handler !== undefined && typeof o.handler !== 'function')
    throw new TypeError(`task ${name}: handler must be a function`);
}

/** The task's backoff with defaults; a bad or unknown field is named (`retry.backoff.kind: ...`). */
export function parseTaskBackoff(name: string, raw: unknown): Backoff {
  const parsed = strictBackoff.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const errs = fieldErrors(parsed.error.issues, 'retry.backoff').map((e) => `${e.path}: ${e.message}`);
  throw new TypeError(`task ${name}: ${errs.join('; ')}`);
}
