export { captureLines } from './logs/capture-lines';
export {
  createLogger,
  type Logger,
  type LoggerFactoryOptions,
  redactUrlCredentials,
} from './logs/create-logger';
export {
  jobBindings,
  jobLogger,
  logExecutorEvents,
  logJobCancelled,
  logProducerEvents,
} from './logs/job-logs';
export { redactSecrets } from './logs/redact-secrets';
export { bindExecutorMetrics, bindHttpMetrics, bindProducerMetrics } from './metrics/bind-events';
export { createMetrics, type Metrics, type MetricsOptions } from './metrics/create-metrics';
export { timedResultStore } from './metrics/timed-result-store';
export type * from './metrics/types';
export type { JobRole } from './metrics/zero-series';
export { createObservability, type Observability, type ObservabilityOptions } from './observe';
export { queueStatsFrom } from './process/queue-stats-from';
export { serveStatus } from './process/serve-status';
export {
  createQueueRates,
  type QueueRateSnapshot,
  type QueueRates,
  type QueueRatesOptions,
} from './scaling/queue-rates';
export { recommendWorkers, type ScalingAdvice, type ScalingInput } from './scaling/recommend-workers';
export {
  collectStatus,
  type QueueStatus,
  type StatusSnapshot,
  type StatusSources,
} from './status/collect-status';
export { createRecentFailures, type FailureEntry, type RecentFailures } from './status/recent-failures';
export { mountStatusRoutes, type StatusRoutesOptions } from './status/routes';
export {
  activeTraceparent,
  formatTraceparent,
  type JobSpan,
  newTraceparent,
  parseTraceparent,
  startJobSpan,
  traceIdOf,
} from './trace/trace-context';
