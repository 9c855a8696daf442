export { createLambdaIngest } from './adapters/lambda/handler';
export { serveNode } from './adapters/node/serve';
export { createIngestApp, type IngestApp, type IngestDeps } from './app';
export { assertAuthConfigured, keyAllowsTask, taskPatternMatches } from './middleware/auth/auth';
export { buildOpenApi } from './openapi/build-openapi';
export type { ReadinessCheck } from './routes/health';
