import * as z from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** RFC 9457 problem details, with `errors` naming each failing field. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(fieldErrorSchema).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** Field errors a problem names one by one; the rest are counted. */
export const MAX_FIELD_ERRORS = 100;

/**
 * Turns zod issues into field errors with dotted paths (`input.a`, `jobs.3.task`), the first
 * MAX_FIELD_ERRORS named and the rest counted: 20,000 unknown fields (a 209 KB body) answered an
 * 869 KB problem naming each.
 */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix = ''): FieldError[] {
  const join = (parts: readonly PropertyKey[]) =>
    [prefix, ...parts.map(String)].filter(Boolean).join('.') || '(body)';
  const all = issues.flatMap((i) =>
    // One entry per unknown key, so the offending field is named by its path.
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: join([...i.path, k]), message: 'unknown field' }))
      : [{ path: join(i.path), message: shortMessage(i.message) }],
  );
  return capFieldErrors(all, join([]));
}

/** `errors` named up to MAX_FIELD_ERRORS, the rest counted in one more entry at `morePath`. */
export function capFieldErrors(errors: FieldError[], morePath: string): FieldError[] {
  if (errors.length <= MAX_FIELD_ERRORS) return errors;
  const more = errors.length - MAX_FIELD_ERRORS;
  return [
    ...errors.slice(0, MAX_FIELD_ERRORS),
    { path: morePath, message: `and ${more.toLocaleString('en-US')} more issues` },
  ];
}

/** The longest issue message a problem keeps. */
const MAX_MESSAGE = 500;

/**
 * An issue's message, cut when long: zod's for a strict object's unknown keys lists every key
 * ('Unrecognized keys: "k0", "k1", ...'), a 229 KB message for 20,000 of them.
 */
export function shortMessage(message: string): string {
  return message.length <= MAX_MESSAGE
    ? message
    : `${message.slice(0, MAX_MESSAGE)}… (${message.length} characters)`;
}
