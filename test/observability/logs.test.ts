import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observedStack } from './observed-stack';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TRACEPARENT = `00-${TRACE_ID}-b7ad6b7169203331-01`;

describe('log lines of one job across ingest → worker', () => {
  const s = observedStack();
  beforeAll(() => s.start());
  afterAll(() => s.stop());

  it('share the job id and the trace id from the POST traceparent', async () => {
    const res = await s.app.request('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: TRACEPARENT, authorization: 'Bearer x' },
      body: JSON.stringify({ task: 'demo.fail', input: {} }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const rec = await s.client.wait(id, { timeoutMs: 15_000 });
    expect(rec.state).toBe('failed');

    const mine = s.lines.filter((l) => l.jobId === id);
    const msgs = mine.map((l) => `${l.msg}#${l.attempt ?? '-'}`);
    // The ingest's line and the worker's first one race (the memory broker delivers at once).
    expect(msgs.filter((m) => m.startsWith('job enqueued'))).toEqual(['job enqueued#-']);
    expect(msgs.filter((m) => !m.startsWith('job enqueued'))).toEqual([
      'job started#1',
      'job attempt failed; retrying#1',
      'job started#2',
      'job attempt failed; retrying#2',
      'job started#3',
      'job failed#3',
    ]);
    for (const l of mine) {
      expect(l).toMatchObject({
        jobId: id,
        traceId: TRACE_ID,
        task: 'demo.fail',
        queue: 'default',
        region: 'local',
      });
    }
    const failed = mine.at(-1)!;
    expect(failed).toMatchObject({
      level: 'error',
      error: { type: 'Error', message: 'demo.fail always fails (attempt 3)' },
    });
    // Nothing in any line carries the bearer token.
    expect(JSON.stringify(s.lines)).not.toContain('Bearer x');
  });

  it('carries the traceparent in the envelope the worker sees', async () => {
    const res = await s.app.request('/v1/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
      body: JSON.stringify({ task: 'demo.add', input: { a: 1, b: 2 } }),
    });
    const { id } = (await res.json()) as { id: string };
    await s.client.wait(id, { timeoutMs: 5000 });
    const started = s.lines.find((l) => l.jobId === id && l.msg === 'job started');
    expect(started).toMatchObject({ traceId: TRACE_ID, attempt: 1 });
  });
});
