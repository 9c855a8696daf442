import type { BrokerSource } from './functions/shared/deploy-env';

/**
 * A deployment plan: everything `sst deploy` creates, as plain data. The stack files map each
 * entry 1:1 onto an SST component or a raw `aws.*` resource, so every decision is unit-tested
 * here, offline.
 *
 * Environment values may hold placeholders the stacks resolve from deploy-time outputs:
 * `{ref:<ComponentName>.<url|arn>}` (a queue's URL or ARN, an Amazon MQ broker's endpoint).
 */
export interface DeploymentPlan {
  secrets: SecretPlan[];
  regions: RegionPlan[];
  /** The region catalogue given to every ingest (and the forwarders): brokers filled in at runtime. */
  catalogue: CatalogueRegion[];
}

export interface SecretPlan {
  /** SST secret name (`npx sst secret set <name> <value>`). */
  name: string;
  purpose: string;
  /** Value used when the secret was never set (absent = `sst deploy` fails until it is set). */
  placeholder?: string;
}

export interface CatalogueRegion {
  id: string;
  location: { lat: number; lon: number };
  brokers: string[];
  weight?: number;
}

export type FunctionEntry = 'ingest' | 'sqs-worker' | 'rmq-worker' | 'forward-drain';

export interface FunctionPlan {
  /** Component name, unique in the app. */
  name: string;
  entry: FunctionEntry;
  /** Directory of the prebuilt bundle (`npm run build:functions`). */
  bundle: string;
  handler: string;
  runtime: 'nodejs22.x';
  architecture: 'arm64';
  timeoutS: number;
  memoryMb: number;
  environment: Record<string, string>;
  /** Names of the secrets linked to this function. */
  links: string[];
  /** Extra IAM statements (the RabbitMQ trigger needs a few). */
  permissions: Array<{ actions: string[]; resources: string[] }>;
}

export interface AmazonMqPlan {
  name: string;
  engineType: 'RabbitMQ';
  engineVersion: string;
  hostInstanceType: string;
  deploymentMode: 'CLUSTER_MULTI_AZ' | 'SINGLE_INSTANCE';
  publiclyAccessible: boolean;
  autoMinorVersionUpgrade: true;
  usernameSecret: string;
  passwordSecret: string;
}

export interface SqsQueuePlan {
  /** The warren queue this SQS queue carries. */
  queue: string;
  name: string;
  fifo: boolean;
  visibilityTimeoutS: number;
  /** How long the queue keeps a message (from its first enqueue; SQS deletes it after, hidden or not). */
  retentionS: number;
  dlq: { name: string; retentionS: number };
  /** Receives before SQS moves a message to the DLQ (the queue's largest task maxAttempts). */
  maxReceiveCount: number;
  worker: FunctionPlan;
  batch: { size: number; windowS: number; partialResponses: true };
}

export interface RmqWorkerPlan {
  queue: string;
  worker: FunctionPlan;
  /** Secrets Manager secret with `{username, password}` the trigger authenticates with. */
  credentialsSecretName: string;
  mapping: { name: string; batchSize: number; batchingWindowS: number; virtualHost: string };
}

export interface ForwarderPlan {
  drain: FunctionPlan;
  /** EventBridge schedule expression. */
  schedule: `rate(${string})`;
  cronName: string;
}

export interface RegionPlan {
  id: string;
  /** Prefix of every component name in this region (PascalCase of the id). */
  prefix: string;
  awsRegion: string;
  providerName: string;
  broker: BrokerSource;
  amazonMq?: AmazonMqPlan;
  ingest: FunctionPlan & { url: true };
  sqsQueues: SqsQueuePlan[];
  rmqWorkers: RmqWorkerPlan[];
  forwarder?: ForwarderPlan;
}
