import type { Context } from 'hono';
import { handle } from 'hono/aws-lambda';
import { createIngestApp, type IngestDeps } from '../../app';
import { assertAuthConfigured } from '../../middleware/auth/auth';
import { toAppEvent } from './stage-path';

/** Time kept back from a long-poll for the answer to leave before the invocation times out. */
const ANSWER_MARGIN_MS = 1000;

/**
 * The ingest as an AWS Lambda handler (Function URL, API Gateway v1/v2, ALB): the same Hono app
 * as the Node server. Refuses to start without API keys. A long-poll waits at most until shortly
 * before the invocation's timeout (answering the record as it is), never past it into a 502.
 */
export function createLambdaIngest(deps: IngestDeps) {
  assertAuthConfigured(deps.config.auth.keys, 'Lambda ingest');
  const handler = handle(createIngestApp({ ...deps, waitBudgetMs: remainingMs }));
  return ((event, context) => handler(toAppEvent(event), context)) as typeof handler;
}

function remainingMs(c: Context): number | undefined {
  // hono/aws-lambda hands the invocation's context to the app as env.lambdaContext.
  const env = c.env as { lambdaContext?: { getRemainingTimeInMillis?: () => number } } | undefined;
  const ctx = env?.lambdaContext;
  const left = ctx?.getRemainingTimeInMillis?.();
  return typeof left === 'number' && Number.isFinite(left) ? Math.max(0, left - ANSWER_MARGIN_MS) : undefined;
}
