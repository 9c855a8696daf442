import { describe, expect, it } from 'vitest';
import { sqsSafeJson, sqsSafeText } from './sqs-safe-json';

describe('sqsSafeJson', () => {
  it('writes U+FFFE and U+FFFF as escapes: the same JSON value, no character SQS refuses', () => {
    const value = { a: 'x\uffffy', b: ['\ufffe'], c: 'plain \u{1f600} \ufffd' };
    const raw = JSON.stringify(value);
    expect(raw).toMatch(/[\ufffe\uffff]/); // what JSON.stringify leaves
    const safe = sqsSafeJson(raw);
    expect(safe).not.toMatch(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u);
    expect(JSON.parse(safe)).toEqual(value);
  });

  it('returns other text unchanged', () => {
    const raw = JSON.stringify({ a: 'é\u0000\t' });
    expect(sqsSafeJson(raw)).toBe(raw);
  });
});

describe('sqsSafeText', () => {
  it('writes each character SQS refuses as its escape and keeps the rest', () => {
    expect(sqsSafeText('a\u0000b\u001b\ufffe\udc00\t\n\r é 😀 \ufffd')).toBe(
      String.raw`a\u0000b\u001b\ufffe\udc00` + '\t\n\r é 😀 \ufffd',
    );
    expect(sqsSafeText('plain')).toBe('plain');
  });
});
