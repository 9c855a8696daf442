import {
  context,
  createTraceState,
  type Span,
  type SpanContext,
  SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { newSpanId, newTraceparent, normalizeTraceparent } from '@warren/core';

/** The span context a W3C `traceparent` names, or undefined when absent or invalid (a newer version is read by its first four fields). */
export function parseTraceparent(tp: string | undefined, tracestate?: string): SpanContext | undefined {
  const v00 = normalizeTraceparent(tp);
  if (!v00) return undefined;
  return {
    traceId: v00.slice(3, 35),
    spanId: v00.slice(36, 52),
    traceFlags: Number.parseInt(v00.slice(53, 55), 16),
    isRemote: true,
    ...(tracestate ? { traceState: createTraceState(tracestate) } : {}),
  };
}

export const formatTraceparent = (sc: SpanContext): string =>
  `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;

export const traceIdOf = (tp: string | undefined): string | undefined => parseTraceparent(tp)?.traceId;

/**
 * The active span's context as a `traceparent` (the request's server span, when an OpenTelemetry
 * SDK instruments the process), or undefined when there is none (no SDK, no span).
 */
export function activeTraceparent(): string | undefined {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc && trace.isSpanContextValid(sc) ? formatTraceparent(sc) : undefined;
}

/** A fresh root traceparent (sampled); the ingest gives one to jobs enqueued without one. */
export { newTraceparent };

export interface JobSpan {
  span: Span;
  /** Trace id for logs: the span's when an SDK records it, else the job's own traceparent's. */
  traceId: string | undefined;
  /** What a task should send downstream: the span's context, or a child id in the same trace. */
  traceparent: string | undefined;
  end(error?: { type: string; message: string }): void;
}

/**
 * Continues the job's trace in the worker: a CONSUMER span whose parent is the envelope's
 * `traceparent`. Works with no OpenTelemetry SDK registered (the API then hands out
 * non-recording spans that merely carry the parent's context), so logs still get the trace id.
 */
export function startJobSpan(
  job: { id: string; task: string; queue: string; traceparent?: string; tracestate?: string },
  attempt: number,
): JobSpan {
  // With the producer's tracestate: a sampler or exporter reading it (vendors' sampling priority,
  // routing) sees it on the run's parent, as an instrumented HTTP server sees a request's.
  const parent = parseTraceparent(job.traceparent, job.tracestate);
  const ctx = parent ? trace.setSpanContext(context.active(), parent) : context.active();
  const span = trace.getTracer('warren').startSpan(
    `run ${job.task}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'warren',
        'messaging.destination.name': job.queue,
        'messaging.message.id': job.id,
        'warren.task': job.task,
        'warren.attempt': attempt,
      },
    },
    ctx,
  );
  const own = span.spanContext();
  const recording = span.isRecording() && trace.isSpanContextValid(own);
  const traceId = recording ? own.traceId : parent?.traceId;
  const traceparent = recording
    ? formatTraceparent(own)
    : parent
      ? formatTraceparent({
          ...parent,
          spanId: newSpanId(),
          traceFlags: parent.traceFlags ?? TraceFlags.NONE,
        })
      : undefined;
  return {
    span,
    traceId,
    traceparent,
    end(error) {
      if (error) span.setStatus({ code: 2, message: `${error.type}: ${error.message}` });
      span.end();
    },
  };
}
