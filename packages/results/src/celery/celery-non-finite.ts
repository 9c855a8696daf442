/**
 * Python's json.dumps (allow_nan, as kombu and Celery's JSON result backend call it) writes
 * inf / nan as bare `Infinity`, `-Infinity`, `NaN`, which JSON.parse refuses: a Python worker's
 * result holding one made its whole meta unreadable. Each such token outside strings becomes
 * `null`, what JSON.stringify writes for them in JavaScript; nothing else changes.
 */
export function nonFiniteToNull(text: string): string {
  if (!/NaN|Infinity/.test(text)) return text;
  let out = '';
  let at = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      continue;
    }
    const token = /^-?(?:NaN|Infinity)/.exec(text.slice(i, i + 9))?.[0];
    if (token) {
      out += `${text.slice(at, i)}null`;
      at = i + token.length;
      i = at - 1;
    }
  }
  return at === 0 ? text : out + text.slice(at);
}
