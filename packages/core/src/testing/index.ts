export { type BrokerUnderTest, brokerContract } from './broker-contract';
export { eventually, makeJob, sleep } from './fixtures';
export { resultStoreContract } from './result-store-contract';
