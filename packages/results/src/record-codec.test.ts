import { describe, expect, it } from 'vitest';
import { decodeOutcome, decodeRecord, encodeSegment, pairsToHash, transitionArgs } from './record-codec';

describe('record codec', () => {
  it('lays the transition ARGV out as the script reads it', () => {
    const args = transitionArgs(
      'running',
      { task: 't', queue: 'q', input: [], owner: 'w', attempts: 2, result: '5', ttlS: 30 },
      { ttlS: 86_400, leaseMs: 60_000, channel: 'warren:done:1' },
    );
    expect(args).toEqual([
      'running',
      '30',
      'w',
      '60000',
      'warren:done:1',
      '3',
      '1',
      '2',
      '0',
      '',
      '',
      '',
      '0',
      '0',
      'task',
      't',
      'queue',
      'q',
      'input',
      '[]',
      'attempts',
      '2',
      'result',
      '"5"',
    ]);
  });

  it('uses the store defaults and empty owner when the patch names none', () => {
    expect(transitionArgs('queued', {}, { ttlS: 10, leaseMs: 5, channel: 'c' })).toEqual([
      'queued',
      '10',
      '',
      '5',
      'c',
      '0',
      '1',
      '0',
      '0',
      '',
      '',
      '',
      '0',
      '0',
    ]);
    expect(transitionArgs('queued', { returnRecord: false }, { ttlS: 10, leaseMs: 5, channel: 'c' })[6]).toBe(
      '0',
    );
    expect(transitionArgs('running', { renew: true }, { ttlS: 10, leaseMs: 5, channel: 'c' })[8]).toBe('1');
    expect(transitionArgs('retrying', { nextAttempt: 2 }, { ttlS: 10, leaseMs: 5, channel: 'c' })[11]).toBe(
      '2',
    );
    expect(
      transitionArgs('expired', { unlessLeased: true }, { ttlS: 10, leaseMs: 5, channel: 'c' })[12],
    ).toBe('1');
    const start = transitionArgs('running', { ifExists: true }, { ttlS: 10, leaseMs: 5, channel: 'c' });
    expect([start[12], start[13]]).toEqual(['0', '1']);
  });

  it('decodes a hash into the public record, keeping lease bookkeeping out', () => {
    const rec = decodeRecord('id1', {
      state: 'running',
      task: 't',
      queue: 'q',
      attempts: '1',
      maxAttempts: '3',
      input: '{"a":[1]}',
      result: 'null',
      enqueuedAt: '2026-01-01T00:00:00.000Z',
      owner: 'w',
      leaseUntil: '123',
      nextAttempt: '2',
    });
    expect(rec).toEqual({
      id: 'id1',
      state: 'running',
      task: 't',
      queue: 'q',
      attempts: 1,
      maxAttempts: 3,
      input: { a: [1] },
      result: null,
      enqueuedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(decodeRecord('x', {})).toBeUndefined();
  });

  it('decodes script replies', () => {
    expect(decodeOutcome('i', ['refused', 'lease-held', 'running', 1234])).toEqual({
      ok: false,
      reason: 'lease-held',
      state: 'running',
      leaseRemainingMs: 1234,
    });
    expect(decodeOutcome('i', ['refused', 'illegal', ''])).toEqual({
      ok: false,
      reason: 'illegal',
      state: undefined,
    });
    const ok = decodeOutcome('i', [
      'ok',
      '',
      'state',
      'queued',
      'task',
      't',
      'queue',
      'q',
      'attempts',
      '0',
      'enqueuedAt',
      'x',
    ]);
    expect(ok).toMatchObject({
      ok: true,
      from: undefined,
      record: { id: 'i', state: 'queued', attempts: 0 },
    });
    expect(() => decodeOutcome('i', 'OK')).toThrow(/unexpected/);
    expect(pairsToHash(['a', '1', 'b', 2])).toEqual({ a: '1', b: '2' });
  });

  it('encodes a segment as JSON that Redis cjson accepts: lone surrogates become U+FFFD', () => {
    expect(encodeSegment(['a', '{"x":"\\ud800"}'])).toBe('["a","{\\"x\\":\\"\\\\ud800\\"}"]');
    expect(JSON.parse(encodeSegment(['k\ud800', '\ud83d\ude00']))).toEqual(['k\ufffd', '\ud83d\ude00']);
    expect(encodeSegment(['k\udc00'])).not.toContain('\\udc00');
  });
});
