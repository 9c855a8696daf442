import { handle } from 'hono/aws-lambda';
import { createIngestApp, type IngestDeps } from '../../app';
import { assertAuthConfigured } from '../../middleware/auth/auth';
import { toAppEvent } from './stage-path';

/**
 * The ingest as an AWS Lambda handler (Function URL, API Gateway v1/v2, ALB): the same Hono app
 * as the Node server. Refuses to start without API keys.
 */
export function createLambdaIngest(deps: IngestDeps) {
  assertAuthConfigured(deps.config.auth.keys, 'Lambda ingest');
  const handler = handle(createIngestApp(deps));
  return ((event, context) => handler(toAppEvent(event), context)) as typeof handler;
}
