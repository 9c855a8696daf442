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
