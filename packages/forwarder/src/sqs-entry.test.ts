import { describe, expect, it } from 'vitest';
import type { OutItem } from './sink';
import { SQS_LIMITS, type SqsEntry, takeBatch, toSqsEntry } from './sqs-entry';

const item = (tag: number, bytes: number, jobId?: string): OutItem => ({
  tag,
  content: Buffer.alloc(bytes, 'a'),
  options: {
    contentType: 'application/json',
    headers: { 'x-warren-forwarded': ['link=l;from=A;to=B;at=1'] },
  },
  routingKey: 'q',
  jobId,
});
const entry = (tag: number, bytes: number) => toSqsEntry(item(tag, bytes), false, SQS_LIMITS) as SqsEntry;

describe('SQS batching', () => {
  it('takes at most 10 entries per batch', () => {
    const q = Array.from({ length: 25 }, (_, i) => entry(i, 100));
    expect([
      takeBatch(q, SQS_LIMITS).length,
      takeBatch(q, SQS_LIMITS).length,
      takeBatch(q, SQS_LIMITS).length,
    ]).toEqual([10, 10, 5]);
  });

  it('keeps a batch within 256 KiB in total', () => {
    const q = Array.from({ length: 5 }, (_, i) => entry(i, 100_000));
    const b = takeBatch(q, SQS_LIMITS);
    expect(b).toHaveLength(2);
    expect(b.reduce((n, e) => n + e.bytes, 0)).toBeLessThanOrEqual(262_144);
  });

  it('refuses oversize and non-UTF-8 bodies with a reason; FIFO fields come from the job id', () => {
    expect(toSqsEntry(item(1, 262_144), false, SQS_LIMITS)).toMatchObject({
      reason: expect.stringMatching(/oversize/),
    });
    const bin = { ...item(2, 1), content: Buffer.from([0xc3, 0x28]) };
    expect(toSqsEntry(bin, false, SQS_LIMITS)).toMatchObject({ reason: expect.stringMatching(/UTF-8/) });
    const empty = { ...item(4, 0), content: Buffer.alloc(0) };
    expect(toSqsEntry(empty, false, SQS_LIMITS)).toMatchObject({
      reason: expect.stringMatching(/empty body/),
    });
    const f = toSqsEntry(item(3, 10, 'job-3'), true, SQS_LIMITS) as SqsEntry;
    expect(f.entry).toMatchObject({ MessageGroupId: 'job-3', MessageDeduplicationId: 'job-3' });
  });

  it('refuses a body or an attribute with a character SQS refuses, naming it; takes the others', () => {
    const withBody = (body: string) => ({ ...item(5, 1), content: Buffer.from(body) });
    for (const [body, code] of [
      ['a\u0000b', 'U+0000'],
      ['{"x":"\u001b"}', 'U+001B'],
      ['{"x":"\uffff"', 'U+FFFF'], // not JSON (unterminated): the character is the text's own
      ['\ufffe', 'U+FFFE'],
    ] as const) {
      expect(toSqsEntry(withBody(body), false, SQS_LIMITS)).toEqual({
        reason: expect.stringContaining(`body has character ${code} at`),
      });
      expect(toSqsEntry(withBody(body), true, SQS_LIMITS)).toHaveProperty('reason');
    }
    // In JSON (a warren job's input) U+FFFE and U+FFFF are sent as escapes: the same JSON value.
    const json = toSqsEntry(withBody('{"x":"a\uffffb","y":["\ufffe"]}'), true, SQS_LIMITS);
    expect(json).toHaveProperty('entry.MessageBody', '{"x":"a\\uffffb","y":["\\ufffe"]}');
    const ok = 'tab\t lf\n cr\r é 中 \ud7ff \ue000 \ufffd 😀 \u{10ffff}';
    expect(toSqsEntry(withBody(ok), true, SQS_LIMITS)).toHaveProperty('entry.MessageBody', ok);
    const badId = { ...item(6, 10), options: { ...item(6, 10).options, messageId: 'id\u0001' } };
    expect(toSqsEntry(badId, false, SQS_LIMITS)).toEqual({
      reason: expect.stringContaining('message attribute amqp-message-id has character U+0001 at 2'),
    });
  });

  it('FIFO: messages without an id are not deduplicated by body; ids SQS refuses are hashed', () => {
    const dedup = (jobId?: string) =>
      (toSqsEntry(item(1, 10, jobId), true, SQS_LIMITS) as SqsEntry).entry.MessageDeduplicationId!;
    // Two messages with the same body and no id are two messages (a hash made one of them).
    expect(dedup()).not.toBe(dedup());
    for (const id of ['a b', 'é', 'x'.repeat(129)]) expect(dedup(id)).toMatch(/^[0-9a-f]{64}$/);
    expect(dedup('x'.repeat(129))).not.toBe(dedup(`${'x'.repeat(128)}y`));
  });
});
