export { createWorker, type Worker, type WorkerOptions } from './create-worker';
export { type InvocationContext, invocationDeadline } from './lambda/deadline';
export * from './lambda/rmq-event';
export {
  createRmqHandler,
  RmqBatchError,
  type RmqDecodeResult,
  type RmqHandler,
  type RmqHandlerDeps,
  type RmqSink,
} from './lambda/rmq-handler';
export {
  createSqsHandler,
  type LambdaSqsDelivery,
  type SqsHandler,
  type SqsHandlerDeps,
  type SqsRecordMapper,
  type SqsRecordMapping,
} from './lambda/sqs-handler';
export { createLongRunning, type LongRunningOptions, type WorkerHealth } from './long-running/long-running';
