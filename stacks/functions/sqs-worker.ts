/**
 * Lambda entry: SQS trigger → warren worker (partial batch responses). Configured from the
 * environment: the bundled config (or WARREN_CONFIG), REDIS_URL or the Upstash variables, and the
 * AWS SDK's own settings (region, credentials; AWS_ENDPOINT_URL_SQS for a local SQS API).
 * Bundle with @aws-sdk/* external: the Lambda runtime provides it. The SQS client is made on the
 * first retry or dead letter (see createLambdaRecordMapper): a cold start that only runs
 * successful jobs does not load @aws-sdk/client-sqs at all.
 */
import { createLambdaRecordMapper } from '@warren/sqs';
import { createWorker, type InvocationContext } from '@warren/worker';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { resultsFromEnv } from './shared/results-env';
import { lazy, loadWorkerConfig, workerEnv } from './shared/worker-env';

const runtime = lazy(async () => {
  const env = workerEnv();
  const config = await loadWorkerConfig(env);
  return createWorker({
    config,
    results: await resultsFromEnv(env, config),
    sqs: createLambdaRecordMapper({
      onDrop: (m, reason) => console.warn(`no DLQ for ${m.queueUrl}; dropped ${m.messageId}: ${reason}`),
    }),
    onLambdaError: (err) => console.error('infrastructure failure; the record will be retried', err),
  });
});

export async function handler(event: SQSEvent, context?: InvocationContext): Promise<SQSBatchResponse> {
  return (await runtime()).sqsHandler(event, context);
}
