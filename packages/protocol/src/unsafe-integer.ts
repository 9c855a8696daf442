/**
 * Integer literals in JSON text that JavaScript cannot hold exactly (past ±(2^53 - 1)). Python
 * ints have no size limit and its JSON writes them digit for digit (64-bit ids are common);
 * JSON.parse reads such a literal as the nearest double, another number. One pass, strings
 * skipped; text without a run of 16 digits cannot hold one and is not scanned.
 */
function* unsafeIntegerSpans(text: string): Generator<[number, number]> {
  if (!/\d{16}/.test(text)) return;
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
    // A number literal: sign, digits, then maybe a fraction or exponent (not an integer then).
    let j = i + (ch === 0x2d ? 1 : 0);
    const start = j;
    while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
    const next = text[j];
    const integer = next !== '.' && next !== 'e' && next !== 'E';
    if (integer && j - start >= 16 && !Number.isSafeInteger(Number(text.slice(i, j)))) yield [i, j];
    // Skip the rest of the literal (fraction, exponent) so its digits are not read again.
    while (j < text.length && /[0-9.eE+-]/.test(text[j] as string)) j++;
    i = j - 1;
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
