import { callerLocation, type EnqueueContext } from '@warren/core';
import type { Context } from 'hono';

/** What the producer needs from the HTTP request: trace context, link base, caller location. */
export function enqueueContext(c: Context): EnqueueContext {
  const traceparent = c.req.header('traceparent');
  return {
    traceparent:
      traceparent && /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(traceparent)
        ? traceparent
        : undefined,
    baseUrl: new URL(c.req.url).origin,
    location: callerLocation((name) => c.req.header(name)),
  };
}
