import { describe, expect, it } from 'vitest';
import { parseEnvelope } from './envelope';
import { TEST_ENVELOPE } from './test-envelope';
import { normalizeTracestate } from './trace-parent';

describe('normalizeTracestate (W3C trace-context tracestate)', () => {
  it('keeps valid members, in order, without empty members or spaces around commas', () => {
    expect(normalizeTracestate('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE')).toBe(
      'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    );
    expect(normalizeTracestate(' dd=s:1;o:rum , ,fw529a3039@dt=FW4;0;0 ')).toBe(
      'dd=s:1;o:rum,fw529a3039@dt=FW4;0;0',
    );
  });

  it('discards the whole header when a member is invalid, a key repeats, or there are over 32', () => {
    for (const bad of ['Rojo=1', 'rojo', 'rojo=', 'rojo=a=b', 'rojo=1,rojo=2', 'a=1,b', '=1']) {
      expect(normalizeTracestate(bad), bad).toBeUndefined();
    }
    const many = Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',');
    expect(normalizeTracestate(many)).toBeUndefined();
    expect(normalizeTracestate('')).toBeUndefined();
    expect(normalizeTracestate(' , ')).toBeUndefined();
  });

  it('drops members from the end past 512 characters', () => {
    const members = Array.from({ length: 8 }, (_, i) => `k${i}=${'v'.repeat(100)}`);
    const out = normalizeTracestate(members.join(','))!;
    expect(out.length).toBeLessThanOrEqual(512);
    expect(out).toBe(members.slice(0, 4).join(','));
  });

  it('an envelope keeps a valid one and drops an invalid one, never the job', () => {
    const env = TEST_ENVELOPE;
    const ok = parseEnvelope(JSON.stringify({ ...env, tracestate: 'rojo=1' }));
    expect(ok.ok && ok.job.tracestate).toBe('rojo=1');
    const bad = parseEnvelope(JSON.stringify({ ...env, tracestate: 'Not Valid' }));
    expect(bad.ok).toBe(true);
    expect(bad.ok && bad.job.tracestate).toBeUndefined();
  });
});
