const NONCHAR = /[\ufffe\uffff]/;
const NONCHARS = /[\ufffe\uffff]/g;

/**
 * JSON text as SQS takes it. SQS refuses a message holding a character outside XML's set (AWS API
 * reference, SendMessage: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF);
 * JSON.stringify escapes the control characters and lone surrogates but leaves U+FFFE and U+FFFF
 * raw in strings, so a job whose input held one was refused for good (a FIFO batch with it, whole).
 * Written as \ufffe and \uffff they are the same JSON value. Outside a string (not valid JSON
 * anyway) the text stays as invalid as it was.
 */
export function sqsSafeJson(json: string): string {
  return NONCHAR.test(json) ? json.replace(NONCHARS, (c) => (c === '\ufffe' ? '\\ufffe' : '\\uffff')) : json;
}
