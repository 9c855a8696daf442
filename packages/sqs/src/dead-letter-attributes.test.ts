import { describe, expect, it } from 'vitest';
import { deadLetterAttributes } from './dead-letter-attributes';
import { MAX_PAYLOAD_BYTES } from './limits';

const URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs';
const size = (attrs: ReturnType<typeof deadLetterAttributes>) =>
  Object.entries(attrs).reduce(
    (n, [k, v]) =>
      n + Buffer.byteLength(k) + Buffer.byteLength(v.DataType!) + Buffer.byteLength(v.StringValue!),
    0,
  );

describe('deadLetterAttributes', () => {
  it('keeps every attribute (the reason cut at 4 KB) when the body leaves room', () => {
    const a = deadLetterAttributes(1_000, 'x'.repeat(10_000), URL, 3);
    expect(a['warren-reason']!.StringValue).toHaveLength(4096);
    expect(a['warren-source-queue']!.StringValue).toBe(URL);
    expect(a['warren-receive-count']!.StringValue).toBe('3');
  });

  it('a body near 256 KiB: the reason is shortened so body + attributes fit', () => {
    const body = MAX_PAYLOAD_BYTES - 300;
    const a = deadLetterAttributes(body, 'é'.repeat(4000), URL, 3);
    expect(body + size(a)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(a['warren-reason']!.StringValue!.length).toBeGreaterThan(0);
    expect(a['warren-receive-count']).toBeDefined();
  });

  it('a body at the limit: no attributes at all rather than a refused copy', () => {
    expect(deadLetterAttributes(MAX_PAYLOAD_BYTES, 'boom', URL, 1)).toEqual({});
  });

  it('a reason holding characters SQS refuses has them as escapes; a cut never leaves half a pair', () => {
    const SQS_CHARS = /^[\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
    const a = deadLetterAttributes(1_000, "Unexpected token '\u0000' \u0007 \uffff \ud800 é 😀", URL, 1);
    expect(a['warren-reason']!.StringValue).toBe(
      String.raw`Unexpected token '\u0000' \u0007 \uffff \ud800 é` + ' 😀',
    );
    for (let room = 200; room < 240; room++) {
      const cut = deadLetterAttributes(MAX_PAYLOAD_BYTES - room, '😀'.repeat(100), URL, 1);
      expect(cut['warren-reason']?.StringValue ?? '').toMatch(SQS_CHARS);
    }
  });
});
