// `@warren/ingest/middleware`: the ingest's auth and problem+json rendering, for other packages'
// routes (observability's /metrics and /status.json) to answer as the API does, without loading
// the whole ingest (adapters, OpenAPI, SDK).
export { bearerAuth } from './auth/auth';
export { nosniff } from './nosniff/nosniff';
export { allowOnly, problemHandler, problemResponse } from './problem/problem';
