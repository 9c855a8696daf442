import type { Context } from 'hono';
import { handle } from 'hono/aws-lambda';
import { createIngestApp, type IngestDeps } from '../../app';
import { assertAuthConfigured } from '../../middleware/auth/auth';
import { withinLambdaAnswerLimit } from './answer-size';
import { withoutBodyOnGet } from './bodyless-methods';
import { withFetchableMethod } from './forbidden-methods';
import { asciiIdempotencyKey } from './idempotency-key-header';
import { toAppEvent } from './stage-path';

/** Time kept back from a long-poll for the answer to leave before the invocation times out. */
const ANSWER_MARGIN_MS = 1000;
/**
 * API Gateway ends a Lambda integration at 29 s (REST API default) or 30 s (HTTP API) with a 504,
 * whatever the function's timeout: a long-poll behind it must answer before that.
 */
const GATEWAY_LIMIT_MS = 29_000;

/**
 * The ingest as an AWS Lambda handler (Function URL, API Gateway v1/v2, ALB): the same Hono app
 * as the Node server. Refuses to start without API keys. A long-poll waits at most until shortly
 * before the invocation's timeout or API Gateway's (answering the record as it is), never past
 * it into a 502 or 504.
 */
export function createLambdaIngest(deps: IngestDeps) {
  assertAuthConfigured(deps.config.auth.keys, 'Lambda ingest');
  const handler = handle(createIngestApp({ ...deps, waitBudgetMs: remainingMs }));
  return ((event, context) =>
    withFetchableMethod(toAppEvent(asciiIdempotencyKey(withoutBodyOnGet(event))), async (e) =>
      withinLambdaAnswerLimit(await handler(e, context), pathOf(e)),
    )) as typeof handler;
}

/** The request's path as the app saw it (payload 2.0 rawPath; 1.0 and ALB path), for the problem's instance. */
const pathOf = (e: unknown): string => {
  const { rawPath, path } = e as { rawPath?: unknown; path?: unknown };
  return typeof rawPath === 'string' ? rawPath : typeof path === 'string' ? path : '/';
};

type LambdaEnv = {
  lambdaContext?: { getRemainingTimeInMillis?: () => number };
  requestContext?: { apiId?: string; domainName?: string };
};

/** The invocation's time left (less a margin to answer), and under API Gateway its own limit. */
function remainingMs(c: Context): number | undefined {
  // hono/aws-lambda hands the invocation's context and the event's requestContext to the app as env.
  const env = c.env as LambdaEnv | undefined;
  const left = env?.lambdaContext?.getRemainingTimeInMillis?.();
  const rc = env?.requestContext;
  // Function URLs carry an apiId too, but no gateway limit (their domain is <id>.lambda-url.…).
  const gateway = !!rc?.apiId && !rc.domainName?.includes('.lambda-url.');
  const limits = [
    typeof left === 'number' && Number.isFinite(left) ? left : Number.POSITIVE_INFINITY,
    gateway ? GATEWAY_LIMIT_MS : Number.POSITIVE_INFINITY,
  ];
  const ms = Math.min(...limits);
  return Number.isFinite(ms) ? Math.max(0, ms - ANSWER_MARGIN_MS) : undefined;
}
