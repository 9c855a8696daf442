/**
 * The first integer literal in JSON text that JavaScript cannot hold exactly (past
 * ±(2^53 - 1)), as written, or undefined. Python ints have no size limit and Celery's JSON
 * writes them digit for digit (64-bit ids are common); JSON.parse reads such a literal as the
 * nearest double, another number, so the task would run on a value the client never sent. One
 * pass, strings skipped; text without a run of 16 digits cannot hold one and is not scanned.
 */
export function firstUnsafeInteger(text: string): string | undefined {
  if (!/\d{16}/.test(text)) return undefined;
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
    if (integer && j - start >= 16) {
      const literal = text.slice(i, j);
      if (!Number.isSafeInteger(Number(literal))) return literal;
    }
    // Skip the rest of the literal (fraction, exponent) so its digits are not read again.
    while (j < text.length && /[0-9.eE+-]/.test(text[j] as string)) j++;
    i = j - 1;
  }
  return undefined;
}
