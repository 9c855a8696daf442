import type { z } from 'zod';

export interface SchemaIssue {
  path: PropertyKey[];
  message: string;
}

export type SchemaParse<T = unknown> = { success: true; data: T } | { success: false; issues: SchemaIssue[] };

/**
 * `schema.safeParse(value)` that never throws, synchronous whenever the schema is. zod's
 * safeParse throws on an async refinement or transform (those need parseAsync) and lets an
 * exception thrown by a refinement through: in the worker that rejected the run and the delivery
 * was released to run again, forever; at enqueue it was a 500. Such schemas go through
 * safeParseAsync, and a refinement that throws is an issue on the input, carrying its message.
 */
export function parseSchema<T>(
  schema: z.ZodType<T>,
  value: unknown,
): SchemaParse<T> | Promise<SchemaParse<T>> {
  try {
    return fromZod(schema.safeParse(value));
  } catch {
    return schema.safeParseAsync(value).then(fromZod, (err: unknown) => ({
      success: false,
      issues: [
        { path: [], message: `the schema threw: ${err instanceof Error ? err.message : String(err)}` },
      ],
    }));
  }
}

function fromZod<T>(r: z.ZodSafeParseResult<T>): SchemaParse<T> {
  return r.success ? r : { success: false, issues: r.error.issues };
}

/**
 * A job's input through its task's schema. A job enqueued without input (undefined, which the
 * task's schema accepted: `.optional()`, `.default()`, `z.void()`) reaches the worker as `null`
 * (JSON has no undefined), and a Celery call with no arguments as `{}` (its empty kwargs): such
 * an input the schema refuses is read again as the undefined it stands for.
 */
export function parseJobInput<T>(
  schema: z.ZodType<T>,
  input: unknown,
): SchemaParse<T> | Promise<SchemaParse<T>> {
  const first = parseSchema(schema, input);
  if (!meansNoInput(input)) return first;
  const orUndefined = (r: SchemaParse<T>) => {
    if (r.success) return r;
    const again = parseSchema(schema, undefined);
    const pick = (u: SchemaParse<T>) => (u.success ? u : r);
    return again instanceof Promise ? again.then(pick) : pick(again);
  };
  return first instanceof Promise ? first.then(orUndefined) : orUndefined(first);
}

const meansNoInput = (v: unknown): boolean =>
  v === null ||
  (typeof v === 'object' &&
    Object.getPrototypeOf(v) === Object.prototype &&
    Object.keys(v as object).length === 0);
