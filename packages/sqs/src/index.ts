export { createSqsConsumer, type SqsConsumerOptions } from './consumer';
export { toTransportError } from './errors';
export {
  createLambdaRecordMapper,
  type LambdaRecordMapperOptions,
  type RecordMapping,
} from './lambda-record';
export * from './limits';
export { createSqsPublisher, type SqsPublisherOptions } from './publisher';
export { QueueDirectory, type RedriveInfo } from './queue-directory';
export { type QueueUrlOptions, sqsQueueName } from './queue-urls';
export { createSqsClient, type SqsClientOptions } from './sqs-client';
export {
  createBoundSqsDelivery,
  createSqsDelivery,
  type DeliveryExtras,
  deadLetterMessage,
  lastReceiveCap,
  type MessageInfo,
  type Settlement,
  type SqsBinding,
  type SqsContext,
  type SqsDelivery,
  type SqsMode,
} from './sqs-delivery';
export type { ReceivedMessage } from './sqs-ops';
export { type SqsDeadLetter, type SqsDeadLetterTake, takeSqsDeadLetters } from './take-dead-letters';
