/** Field names whose values never reach a log line, compared lower-cased (headers come in any case). */
const SECRET_KEYS = new Set([
  'authorization',
  'proxy-authorization',
  'apikey',
  'api_key',
  'x-api-key',
  'token',
  'password',
  'secret',
  'cookie',
  'set-cookie',
]);
/**
 * Names that end in a secret's name, any case: every one of SECRET_KEYS, and secretAccessKey,
 * sessionToken, x-amz-security-token, access_token, clientSecret, dbPassword. Anchored at the end
 * so maxTokens or tokenCount stay.
 */
const SECRET_SUFFIX =
  /(?:authorization|api[-_]?key|token|pass(?:word|wd)|secret|(?:secret|private)[-_]?(?:access[-_]?)?key|cookie)$/i;
const isSecretKey = (key: string) => SECRET_SUFFIX.test(key);
export const CENSOR = '[Redacted]';
/**
 * How deep the walk looks. Past it a nested object is not printed at all ([Truncated]): passing it
 * through unwalked printed a secret six levels down (a job's input holding a client's config).
 */
const MAX_DEPTH = 8;
export const TRUNCATED = '[Truncated]';

/**
 * The secret names as top-level pino redaction paths, in the casings met in practice: pino runs
 * no formatter over a child's bindings, only its redaction, so this covers `child({ token })`.
 */
export const TOP_LEVEL_PATHS = [...SECRET_KEYS].flatMap((k) =>
  [
    ...new Set([
      k,
      k.toUpperCase(),
      k.replace(/(^|[-_])([a-z])/g, (m) => m.toUpperCase()),
      k === 'apikey' ? 'apiKey' : k,
    ]),
  ].map((v) => (/^[A-Za-z_$][\w$]*$/.test(v) ? v : `["${v}"]`)),
);

/**
 * Redis commands whose arguments hold a password: AUTH, HELLO … AUTH, MIGRATE … AUTH, CONFIG SET
 * requirepass, ACL SETUSER >pass. ioredis puts the refused command on its ReplyError as
 * `command: { name, args }`, so a wrong REDIS_URL password was printed as an AUTH's args.
 */
const SECRET_COMMANDS = new Set(['auth', 'hello', 'migrate', 'config', 'acl']);
const isSecretCommand = (v: Record<string, unknown>): boolean =>
  typeof v.name === 'string' && Array.isArray(v.args) && SECRET_COMMANDS.has(v.name.toLowerCase());

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null || Array.isArray(v);
};

/**
 * A copy of `obj` with secret fields censored, case-insensitively, down to a few levels; objects
 * without secrets are returned as they are (no copy). pino's path redaction is case-sensitive and
 * every casing as a wildcard path tripled the cost of a log line, hence this walk.
 */
export function redactSecrets<T>(obj: T, depth = 0): T {
  if (depth > MAX_DEPTH) return (typeof obj === 'object' && obj !== null ? TRUNCATED : obj) as T;
  if (obj instanceof Error) return redactError(obj, depth) as T;
  if (!isPlain(obj)) return obj;
  if (isSecretCommand(obj)) return { ...obj, args: [CENSOR] } as T;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    const next = isSecretKey(key) ? CENSOR : redactSecrets(v, depth + 1);
    if (next !== v) {
      out ??= (Array.isArray(obj) ? [...obj] : { ...obj }) as Record<string, unknown>;
      out[key] = next;
    }
  }
  return (out ?? obj) as T;
}

/**
 * An Error's own fields are printed too (pino's err serializer copies them, JSON.stringify keeps
 * them), and HTTP client errors carry their request's headers. With a secret among them, a copy of
 * the same class whose fields are censored (message, stack and cause as they were); otherwise the
 * Error itself. An AggregateError's `errors` (not enumerable, but printed by pino as
 * `aggregateErrors`, each with its own fields) are walked the same way.
 */
function redactError(err: Error, depth: number): Error {
  const own: Record<string, unknown> = { ...err };
  const walked = redactSecrets(own, depth);
  const inner = (err as { errors?: unknown }).errors;
  const errors = Array.isArray(inner) ? redactSecrets(inner, depth + 1) : inner;
  if (walked === own && errors === inner) return err;
  const copy = Object.create(Object.getPrototypeOf(err)) as Error;
  for (const k of ['message', 'stack', 'cause', 'errors'] as const) {
    if (Object.hasOwn(err, k))
      Object.defineProperty(copy, k, {
        value: k === 'errors' ? errors : (err as unknown as Record<string, unknown>)[k],
        writable: true,
        configurable: true,
      });
  }
  return Object.assign(copy, walked);
}
