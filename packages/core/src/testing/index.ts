export {
  type BrokerCapabilities,
  type BrokerUnderTest,
  brokerContract,
  type FreshQueueSpec,
} from './broker-contract';
export { eventually, makeJob, sleep } from './fixtures';
export { type RecordedCall, recordingDelivery } from './recording-delivery';
export { resultStoreContract } from './result-store-contract';
