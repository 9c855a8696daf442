export * from '@warren/protocol';
export {
  assertRegionRefs,
  ConfigError,
  type ConfigInput,
  defineConfig,
  type WarrenConfig,
} from './config/define-config';
export * from './config/schema';
export { constantTimeEqual } from './constant-time-equal';
export { type BuiltJob, buildEnvelope } from './enqueue/build-envelope';
export { type EnqueueManyOptions, enqueueMany } from './enqueue/enqueue-many';
export {
  clientIdempotencyKey,
  idempotencyScopeOf,
  scopedIdempotencyKey,
} from './enqueue/idempotency-scope';
export { limitJobSize } from './enqueue/limit-job-size';
export {
  createProducer,
  type EnqueueContext,
  type EnqueueResult,
  type Producer,
  type ProducerDeps,
} from './enqueue/producer';
export { classify, toJobError } from './executor/errors';
export * from './executor/execute-job';
export type { RunScope } from './executor/run-context';
export { runWithTimeout } from './executor/run-with-timeout';
export { type Runaway, Runaways } from './executor/runaways';
export { copyDueIn, HOLD_UNDER_MS, holdUntil } from './hold-until';
export { uuidv7 } from './ids';
export { isLoopbackHost } from './loopback-host';
export { type DeadLetter, MemoryBroker } from './memory/memory-broker';
export { MemoryResultStore } from './memory/memory-result-store';
export { msUntil } from './ms-until';
export type * from './ports/index';
export { StoreFullError } from './ports/store-full-error';
export { bareUrl, redactUrl } from './redact-url';
export { redactUrlCredentials } from './redact-url-credentials';
export { backoffDelay, DEFAULT_BACKOFF } from './retry/backoff';
export { callerLocation } from './routing/caller-location';
export { countryCentroid } from './routing/country-centroids';
export { distanceKm, type LatLon } from './routing/geo';
export { createGeoRouter, type GeoRouterOptions, type RegionStatus } from './routing/geo-router';
export { type CircuitState, DEFAULT_HEALTH, type HealthOptions } from './routing/region-health';
export * from './routing/router';
export { applyTransition, DEFAULT_LEASE_MS, type StoredRecord, toPublic } from './state/apply-transition';
export { beforeWaitEnd, WAIT_GRACE_MS } from './state/before-wait-end';
export { type CancelHooks, cancelJob, cancelPatch } from './state/cancel-patch';
export { expireOverdue, msUntilOverdue } from './state/expire-overdue';
export { readJob } from './state/read-job';
export { type PollOptions, pollUntilTerminal, waitUntilTerminal } from './state/wait-until-terminal';
export { StillnessWatch } from './stood-still';
export * from './task/define-task';
export * from './task/task-errors';
