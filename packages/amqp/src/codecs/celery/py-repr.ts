/**
 * Python `repr()` of JSON values, for Celery's `argsrepr`/`kwargsrepr` headers (what Flower and
 * worker logs show). Celery computes them with `saferepr(args, 1024)`; this mirrors the common
 * cases (str quoting, None/True/False, tuples for args) and cuts at the same size.
 */
export const REPR_MAX = 1024;

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'string') return pyStr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const items = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${pyStr(k)}: ${pyRepr(v)}`,
    );
    return `{${items.join(', ')}}`;
  }
  return pyStr(String(value));
}

/** Positional args are a tuple in Python: `(2, 3)`, `(1,)`, `()`. */
export function pyTupleRepr(args: readonly unknown[]): string {
  if (args.length === 1) return `(${pyRepr(args[0])},)`;
  return `(${args.map(pyRepr).join(', ')})`;
}

/** saferepr-like cut: keep the head and mark the elision. */
export function truncateRepr(s: string, max = REPR_MAX): string {
  return s.length <= max ? s : `${s.slice(0, max - 3)}...`;
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

function pyStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}
