/**
 * Number literals in JSON text, strings skipped: [start, end, integer]. JSON.parse reads each as
 * the nearest double, so a literal past what a double holds comes back as another number (Python
 * ints have no size limit and its JSON writes them digit for digit; 64-bit ids are common) or, past
 * the largest double, as Infinity (published as null). One pass.
 */
function* numberLiterals(text: string): Generator<[number, number, boolean]> {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) {
      inString = true;
      continue;
    }
    if (ch !== 0x2d && (ch < 0x30 || ch > 0x39)) continue;
    let j = i + (ch === 0x2d ? 1 : 0);
    while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
    const next = text[j];
    const integer = next !== '.' && next !== 'e' && next !== 'E';
    // The rest of the literal (fraction, exponent), so its digits are not read again.
    while (j < text.length && /[0-9.eE+-]/.test(text[j] as string)) j++;
    yield [i, j, integer];
    i = j - 1;
  }
}

/** Integer literals past ±(2^53 - 1); text without a run of 16 digits cannot hold one and is not scanned. */
function* unsafeIntegerSpans(text: string): Generator<[number, number]> {
  if (!/\d{16}/.test(text)) return;
  for (const [a, b, integer] of numberLiterals(text)) {
    const digits = b - a - (text.charCodeAt(a) === 0x2d ? 1 : 0);
    if (integer && digits >= 16 && !Number.isSafeInteger(Number(text.slice(a, b)))) yield [a, b];
  }
}

/** The first unsafe integer literal, as written, or undefined. */
export function firstUnsafeInteger(text: string): string | undefined {
  for (const [a, b] of unsafeIntegerSpans(text)) return text.slice(a, b);
  return undefined;
}

/** The text with each unsafe integer literal made a string of its digits (nothing else changes). */
export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let at = 0;
  for (const [a, b] of unsafeIntegerSpans(text)) {
    out += `${text.slice(at, a)}"${text.slice(a, b)}"`;
    at = b;
  }
  return at === 0 ? text : out + text.slice(at);
}

/**
 * Text that may hold a number JSON.parse changes: 16+ digits in a row (also the zeros of a tiny
 * decimal), or a 3-digit exponent either way (after a digit, as in every JSON number: an `e123`
 * inside a hex id does not trigger the scan).
 */
const MAYBE_INEXACT = /\d{16}|\d[eE][+-]?\d{3}/;

/**
 * The first number in (valid) JSON text that JSON.parse cannot keep: an integer past 2^53 that
 * rounds to another (1234567890123456789 parses as ...800; 2^54, exact, passes), or one past the
 * largest double (1e400: Infinity), or a nonzero one below the smallest (1e-400: 0). Decimals and
 * exponents within range are floats by nature and pass. Typical bodies cost one regex test.
 */
export function firstInexactNumber(text: string): { literal: string; parsed: number } | undefined {
  if (!MAYBE_INEXACT.test(text)) return undefined;
  for (const [a, b, integer] of numberLiterals(text)) {
    const literal = text.slice(a, b);
    const parsed = Number(literal);
    if (!Number.isFinite(parsed)) return { literal, parsed };
    // Below the smallest double (5e-324) a nonzero number parses as 0.
    if (parsed === 0 && /[1-9]/.test(literal.split(/[eE]/, 1)[0]!)) return { literal, parsed };
    // 15 significant digits or fewer always survive; past that, compare exactly.
    if (integer && literal.replace(/^-?0*/, '').length > 15 && BigInt(literal) !== BigInt(parsed))
      return { literal, parsed };
  }
  return undefined;
}

/**
 * A number literal as an error names it: a long one by its ends and its length (the digits that
 * matter of 0.000…0001 are at its end). Whole, a number of 200,000 digits made a problem (or a
 * Celery refusal) as large as the body it came in.
 */
export function shownNumber(literal: string): string {
  if (literal.length <= 64) return literal;
  return `${literal.slice(0, 24)}…${literal.slice(-16)} (a number of ${literal.length} characters)`;
}
