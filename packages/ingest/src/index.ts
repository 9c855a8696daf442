export { serveNode } from './adapters/node/serve';
export { createIngestApp, type IngestApp, type IngestDeps } from './app';
