export { createWorker, type Worker, type WorkerOptions } from './create-worker';
export { type InvocationContext, invocationDeadline } from './lambda/deadline';
// The long-running loop and the Amazon MQ handler are reached through createWorker, which loads
// them only in the mode that runs them: re-exporting their factories here would put them in
// every Lambda bundle (see create-worker.ts).
export { RmqBatchError } from './lambda/rmq-batch-error';
export * from './lambda/rmq-event';
export type {
  RmqDecodeResult,
  RmqHandler,
  RmqHandlerDeps,
  RmqSink,
} from './lambda/rmq-handler';
export {
  createSqsHandler,
  type LambdaSqsDelivery,
  type SqsHandler,
  type SqsHandlerDeps,
  type SqsRecordMapper,
  type SqsRecordMapping,
} from './lambda/sqs-handler';
export type { LongRunningOptions, WorkerHealth } from './long-running/long-running';
