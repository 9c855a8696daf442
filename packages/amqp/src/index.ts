export type { DecodeResult, EncodedMessage, IncomingMessage, MessageCodec } from './codec';
export * from './codecs/celery/index';
export { warrenCodec } from './codecs/warren-codec';
export type { AmqpEvent, EventSink } from './connection/events';
export { parseNodeUrls, redactUrl } from './connection/node-urls';
export {
  DEAD_AT_HEADER,
  deadLetterProperties,
  dueAt,
  QUEUE_HEADER,
  REASON_HEADER,
  type ReceivedProperties,
  republishProperties,
} from './consumer/dead-letter';
export type { DeadLetterRecord } from './consumer/peek-dead-letters';
export type { ParkedQueue, ParkedReport } from './consumer/release-parked';
export type { DeadLetterTake, TakenDeadLetter } from './consumer/take-dead-letters';
export { writableHeader } from './consumer/writable-header';
export { type AmqpBroker, type AmqpBrokerOptions, createAmqpBroker } from './create-amqp-broker';
export { classifyAmqpError } from './errors/classify-amqp-error';
export { createPicker, type NodePicker, type NodeState, type StrategyName } from './strategies/node-picker';
export {
  DEFAULT_DELAY_TIERS_MS,
  DUE_EXCHANGE,
  DUE_HEADER,
  PARKED_DELAYS_QUEUE,
  pickTier,
  tierName,
} from './topology/delay-tiers';
export { dlqName, type QueueSpec, workQueueArguments } from './topology/queue-arguments';
export { QueueArgumentsMismatchError } from './topology/queue-mismatch';
