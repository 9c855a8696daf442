import { SQSClient } from '@aws-sdk/client-sqs';

export interface SqsClientOptions {
  /** Endpoint override (local-aws-sqs); AWS otherwise. */
  endpoint?: string;
  /** AWS region (default: the SDK's, e.g. AWS_REGION; `us-east-1` with an endpoint override). */
  awsRegion?: string;
}

/**
 * An SQS client for tools (`warren dlq --sqs`), bounded: without request timeouts the SDK waits
 * forever on a silent peer (its defaults are 0 = none). Credentials come from the SDK's chain.
 */
export function createSqsClient(opts: SqsClientOptions = {}): SQSClient {
  return new SQSClient({
    region: opts.awsRegion ?? (opts.endpoint ? 'us-east-1' : undefined),
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 30_000, throwOnRequestTimeout: true },
  });
}
