/** Text that may hold a number JSON.parse changes: 16+ digits in a row, or a 3-digit exponent. */
const MAYBE = /\d{16}|[eE]\+?\d{3}/;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * The first number in (valid) JSON text that JSON.parse cannot keep: an integer past 2^53 that
 * rounds to another (a 64-bit id from a Python or Go producer: 1234567890123456789 parses as
 * ...800), or one past the largest double (1e400: Infinity, published as null). Decimals and
 * exponents within range are floats by nature and pass; so do digits inside strings. One pass,
 * and only over text that MAYBE matches: typical bodies cost a regex test.
 */
export function inexactJsonNumber(text: string): { literal: string; parsed: number } | undefined {
  if (!MAYBE.test(text)) return undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      // Skip the string, escapes included.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (ch === 0x2d || (ch >= 0x30 && ch <= 0x39)) {
      NUMBER.lastIndex = i;
      const literal = NUMBER.exec(text)?.[0];
      if (!literal) continue;
      i += literal.length - 1;
      const parsed = Number(literal);
      if (!Number.isFinite(parsed)) return { literal, parsed };
      // 15 significant digits or fewer always survive; past that, compare exactly.
      const isInteger = !/[.eE]/.test(literal);
      if (isInteger && literal.replace(/^-?0*/, '').length > 15 && BigInt(literal) !== BigInt(parsed))
        return { literal, parsed };
    }
  }
  return undefined;
}
