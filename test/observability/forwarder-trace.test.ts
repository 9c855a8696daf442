import { makeJob } from '@warren/core/testing';
import { prepareHop } from '@warren/forwarder';
import { parseTraceparent, startJobSpan } from '@warren/observability';
import type { MessageProperties } from 'amqplib';
import { describe, expect, it } from 'vitest';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context across a forwarder hop', () => {
  it('passes the envelope traceparent through unchanged, so the far worker continues the same trace', () => {
    const job = makeJob({ traceparent: TP, origin: 'eu-west' });
    const props = {
      contentType: 'application/json',
      headers: {},
      messageId: job.id,
    } as unknown as MessageProperties;
    const out = prepareHop(Buffer.from(JSON.stringify(job)), props, {
      link: 'eu-west→us-east',
      from: 'eu-west',
      to: 'us-east',
      now: Date.now(),
    });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const forwarded = JSON.parse(out.content.toString('utf8'));
    expect(forwarded.traceparent).toBe(TP);
    expect(forwarded.hops).toEqual(['eu-west']);
    const span = startJobSpan(forwarded, 1);
    expect(span.traceId).toBe(parseTraceparent(TP)!.traceId);
    span.end();
  });
});
