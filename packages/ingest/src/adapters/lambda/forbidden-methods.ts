/** The parts of a Lambda HTTP event that name its method. */
interface MethodEvent {
  httpMethod?: string;
  requestContext?: { http?: { method?: string } };
}

/** Stands in for a method the Fetch API refuses, in the event and so in the app's answer. */
const STAND_IN = 'WARREN-REFUSED-METHOD';

/** Methods `new Request()` throws on (Fetch's forbidden methods), which no route allows. */
const FORBIDDEN = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * A request with a method the Fetch API forbids (TRACE, TRACK, CONNECT) as the app answers it on
 * Node (405 with Allow, or 404/401 as for any method). hono/aws-lambda could not build a Request
 * for it and answered 400 text/plain "Invalid request" (logging a stack): the one answer not
 * problem+json. The event goes to the app with a stand-in method, and the method's name is put
 * back in the answer's text (the 405's detail names it).
 */
export function withFetchableMethod<E, R extends { body?: string }>(
  event: E,
  handle: (e: E) => Promise<R>,
): Promise<R> {
  const e = event as MethodEvent;
  const method = (e.requestContext?.http?.method ?? e.httpMethod)?.toUpperCase();
  if (!method || !FORBIDDEN.has(method)) return handle(event);
  const standIn = e.requestContext?.http
    ? { ...e, requestContext: { ...e.requestContext, http: { ...e.requestContext.http, method: STAND_IN } } }
    : { ...e, httpMethod: STAND_IN };
  return handle(standIn as E).then((res) =>
    typeof res?.body === 'string' ? { ...res, body: res.body.replaceAll(STAND_IN, method) } : res,
  );
}
