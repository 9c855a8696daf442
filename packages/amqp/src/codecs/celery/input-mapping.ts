/**
 * How a warren job's `input` maps to Celery's `args`/`kwargs` and back (documented in the README):
 *
 * encode (warren → Celery)
 * - `{args: [...], kwargs: {...}}` (only those keys, either optional) → sent as is, unless the
 *   task's own input schema has an `args`/`kwargs` key: then it is that task's keyword input
 * - any other plain object → `kwargs` (`{a: 2, b: 3}` → `mul(a=2, b=3)`)
 * - an array → `args`; `undefined`/`null` → no arguments; another scalar → one positional arg;
 *   `form` says which of the two it was, so warren's decode gives back the same input
 *
 * decode (Celery → warren)
 * - no positional args → `input` is the kwargs object (`send_task('t', kwargs={'a': 2})` → `{a: 2}`)
 * - positional args and the task's input schema is an object → args are bound to its keys in
 *   declaration order, kwargs beside them, like a Python call (`args=(2, 3)` → `{a: 2, b: 3}`);
 *   more args than keys, a key given both ways, or a keyword the schema would strip (not a loose
 *   object) is refused as Python's TypeError would be
 * - otherwise → `{args, kwargs}`; but positional args alone for a task whose schema refuses that
 *   and takes the one arg or the args array → that (`positionalInput`: `square(7)` → `7`)
 */
export interface CeleryArgs {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** How a non-object input became `args` (an array: its items; a value: the one arg). */
export type InputForm = 'array' | 'value';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `paramNames`: the task's input keys when known (an `args` key there is not the explicit form). */
export function inputToArgs(
  input: unknown,
  paramNames?: readonly string[],
): CeleryArgs & { form?: InputForm } {
  if (input === undefined || input === null) return { args: [], kwargs: {} };
  if (Array.isArray(input)) return { args: input, kwargs: {}, form: 'array' };
  if (!isPlainObject(input)) return { args: [input], kwargs: {}, form: 'value' };
  const keys = Object.keys(input);
  const explicit =
    keys.length > 0 &&
    !paramNames?.some((k) => k === 'args' || k === 'kwargs') &&
    keys.every((k) => k === 'args' || k === 'kwargs') &&
    (input.args === undefined || Array.isArray(input.args)) &&
    (input.kwargs === undefined || isPlainObject(input.kwargs));
  if (explicit) {
    return {
      args: (input.args as unknown[] | undefined) ?? [],
      kwargs: (input.kwargs as Record<string, unknown> | undefined) ?? {},
    };
  }
  return { args: [], kwargs: input };
}

/**
 * `paramNames`: the task's parameter names in order (keys of its object input schema), when
 * known. Too many positional args for the names → kept as `{args, kwargs}` (the codec refuses
 * such a call first, `positionalMismatch`: a schema whose keys all had defaults ran on them).
 */
export function argsToInput(
  { args, kwargs }: CeleryArgs,
  paramNames?: readonly string[],
  form?: InputForm,
): unknown {
  // A warren job's array or value input (its encode said so): given back as it was, else a task
  // with `z.number()` or `z.array()` input got `{args, kwargs}` and failed its own jobs.
  if (form && Object.keys(kwargs).length === 0) {
    if (form === 'array') return args;
    if (args.length === 1) return args[0];
  }
  if (args.length === 0) return kwargs;
  if (paramNames && args.length <= paramNames.length) {
    const bound: Record<string, unknown> = {};
    args.forEach((v, i) => {
      bound[paramNames[i] as string] = v;
    });
    return { ...bound, ...kwargs };
  }
  return { args, kwargs };
}

/**
 * A Python call's positional args for a task whose input is not a keyword object (`square(7)` for
 * `z.number()`, `total([1, 2])` or `total(1, 2)` for `z.array()`): `{args, kwargs}`, the
 * documented form, failed such a schema, so a natural Python call of the task could never run.
 * Used only when the schema refuses `{args, kwargs}`: the one arg, else the args array, whichever
 * it takes first; undefined when neither (the task reports its own mismatch). A schema that
 * cannot check synchronously (async refinements) is left to the executor.
 */
export function positionalInput(args: unknown[], schema: unknown): { input: unknown } | undefined {
  const s = schema as { safeParse?: (v: unknown) => { success: boolean } } | undefined;
  if (typeof s?.safeParse !== 'function') return undefined;
  const accepts = (v: unknown) => {
    try {
      return s.safeParse?.(v).success === true;
    } catch {
      return undefined;
    }
  };
  const documented = accepts({ args, kwargs: {} });
  if (documented !== false) return undefined;
  if (args.length === 1 && accepts(args[0])) return { input: args[0] };
  if (accepts(args)) return { input: args };
  return undefined;
}

/**
 * Why a Python call could not bind to a task's keyword input, as Python's TypeError says it
 * (more positional args than keys; a key given positionally and as a keyword), else undefined.
 */
export function positionalMismatch(
  task: string,
  keys: readonly string[],
  args: readonly unknown[],
  kwargs: Record<string, unknown>,
): string | undefined {
  if (args.length > keys.length) {
    const n = keys.length;
    return `${task} takes ${n} positional argument${n === 1 ? '' : 's'} (${keys.join(', ')}) but ${args.length} were given`;
  }
  const twice = keys.slice(0, args.length).find((k) => Object.hasOwn(kwargs, k));
  return twice === undefined ? undefined : `${task} got multiple values for argument '${twice}'`;
}

/**
 * Keys of a zod object schema, duck-typed so this package needs no zod import. Looks through the
 * wrappers zod puts around an object (`.transform()`/`.pipe()` make a pipe whose `in` is the
 * object; `.optional()`, `.default()`, `.readonly()`... hold it as `innerType`): without them,
 * positional args for such a task were not bound and its input failed the schema.
 */
export function objectSchemaKeys(schema: unknown): string[] | undefined {
  const s = objectSchemaOf(schema);
  return s ? Object.keys(s.shape as object) : undefined;
}

/**
 * The first keyword a Python call gave that the task's object schema would silently strip (a
 * zod object without catchall: not loose, not strict), as Python's TypeError names it, else
 * undefined. Stripped, a misspelt keyword of a task whose keys have defaults ran on the defaults.
 */
export function unexpectedKeyword(
  task: string,
  schema: unknown,
  kwargs: Record<string, unknown>,
): string | undefined {
  const s = objectSchemaOf(schema);
  if (!s?._zod?.def || s._zod.def.catchall !== undefined) return undefined;
  const keys = new Set(Object.keys(s.shape as object));
  const extra = Object.keys(kwargs).find((k) => !keys.has(k));
  return extra === undefined ? undefined : `${task} got an unexpected keyword argument '${extra}'`;
}

function objectSchemaOf(schema: unknown): ZodLike | undefined {
  let s = schema as ZodLike | undefined;
  for (let depth = 0; s && depth < 8; depth++) {
    if (isPlainObject(s.shape)) return s;
    const def = s._zod?.def;
    s = def?.in ?? def?.innerType;
  }
  return undefined;
}

interface ZodLike {
  shape?: unknown;
  _zod?: { def?: { in?: ZodLike; innerType?: ZodLike; catchall?: unknown } };
}
