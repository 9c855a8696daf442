import { expect, it } from 'vitest';
import { startJobSpan } from './trace-context';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

// Every job the ingest accepts has a traceparent (b09d57f), so the worker continues a trace on
// every run, with no SDK: a child span id in the same trace. Its cost (once ~3.6 µs, an
// Array.from/join per id) is measured by `npm run bench -- --only trace-context`, not asserted
// here: a timed unit test failed on a loaded CI machine.
it('continues a job trace with no SDK: same trace, a fresh child span id each run, flags kept', () => {
  const traced = { id: 'j', task: 't', queue: 'q', traceparent: TP };
  const ids = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const s = startJobSpan(traced, 1);
    expect(s.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(s.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-(?!0{16})[0-9a-f]{16}-01$/);
    ids.add(s.traceparent!.slice(36, 52));
    s.end();
  }
  expect(ids.size).toBe(200);
  expect(ids.has('00f067aa0ba902b7')).toBe(false);
  const plain = startJobSpan({ id: 'j', task: 't', queue: 'q' }, 1);
  expect(plain.traceparent).toBeUndefined();
  expect(plain.traceId).toBeUndefined();
  plain.end();
});
