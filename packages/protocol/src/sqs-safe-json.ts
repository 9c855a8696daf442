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

/** A character SQS refuses in a body or a string attribute (outside the XML set above). */
const REFUSED = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/**
 * Free text (an error message) as an SQS string attribute takes it: each character SQS refuses
 * (NUL and other controls, U+FFFE/U+FFFF, a lone surrogate) written as its `\uXXXX` escape, so the
 * text still says what it held. Errors quote the data they failed on: `JSON.parse` of binary data
 * throws "Unexpected token '\0'" with the NUL itself.
 */
export function sqsSafeText(text: string): string {
  return text.replace(REFUSED, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
