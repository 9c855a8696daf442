import { describe, expect, it } from 'vitest';
import { newTraceparent, parseTraceparent, startJobSpan, traceIdOf } from './trace-context';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('parses W3C traceparent and rejects invalid ones', () => {
    expect(parseTraceparent(TP)).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      traceFlags: 1,
    });
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(traceIdOf('garbage')).toBeUndefined();
    expect(parseTraceparent(newTraceparent())).toBeDefined();
    // A newer version is read by its first four fields (W3C trace context, version handling).
    expect(traceIdOf(`01${TP.slice(2)}-more`)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('continues the job trace in the worker with no OpenTelemetry SDK registered', () => {
    const s = startJobSpan({ id: 'j', task: 't', queue: 'q', traceparent: TP }, 1);
    expect(s.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(s.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(s.traceparent).not.toBe(TP); // a child span id in the same trace
    s.end();
    expect(startJobSpan({ id: 'j', task: 't', queue: 'q' }, 1).traceId).toBeUndefined();
  });
});
