/** The parts of a Lambda HTTP event (API Gateway v1/v2, Function URL, ALB) that name its method and body. */
interface MethodAndBody {
  httpMethod?: string;
  requestContext?: { http?: { method?: string } };
  body?: string | null;
}

/**
 * The event without its body when the method is GET or HEAD. API Gateway, Function URLs and ALBs
 * hand a body sent with a GET to the function (some clients send one; RFC 9110 gives it no
 * meaning), and hono/aws-lambda built a Request with it, which the Fetch API refuses: every such
 * request answered 400 text/plain "Invalid request" (and logged a stack), where the Node server
 * ignores the body and answers the job.
 */
export function withoutBodyOnGet<E>(event: E): E {
  const e = event as MethodAndBody;
  if (!e.body) return event;
  const method = (e.requestContext?.http?.method ?? e.httpMethod)?.toUpperCase();
  return method === 'GET' || method === 'HEAD' ? ({ ...e, body: null } as E) : event;
}
