/**
 * Lambda entry: SQS trigger → warren worker (partial batch responses). Configured from the
 * environment: the bundled config (or WARREN_CONFIG), REDIS_URL or the Upstash variables, and the
 * AWS SDK's own settings (region, credentials; AWS_ENDPOINT_URL_SQS for a local SQS API).
 * Bundle with @aws-sdk/* external: the Lambda runtime provides it. The SQS client is made on the
 * first retry or dead letter (see createLambdaRecordMapper): a cold start that only runs
 * successful jobs does not load @aws-sdk/client-sqs at all.
 */
import { logExecutorEvents } from '@warren/observability';
import { createLambdaRecordMapper } from '@warren/sqs';
import { createWorker, type InvocationContext } from '@warren/worker';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaItemFields, lambdaLogger, startupFailed } from './shared/lambda-logs';
import { resultsFromEnv } from './shared/results-env';
import { lazy, loadWorkerConfig, workerEnv } from './shared/worker-env';

const logger = lambdaLogger('warren-sqs-worker');

const runtime = lazy(async () => {
  const env = workerEnv();
  const config = await loadWorkerConfig(env);
  // Job lines (started, outcome) with jobId, task, queue, attempt and the trace id; each task runs
  // inside its job's span, continuing the envelope's traceparent (as `warren worker` does).
  const jobLogs = logExecutorEvents(logger);
  return createWorker({
    config,
    results: await resultsFromEnv(env, config),
    sqs: createLambdaRecordMapper({
      onDrop: (m, reason) =>
        logger.warn(
          { messageId: m.messageId, queueUrl: m.queueUrl, reason },
          'no DLQ for the queue; message dropped',
        ),
    }),
    onEvent: jobLogs,
    runScope: jobLogs.runScope,
    onLambdaError: (err, item) =>
      logger.error({ ...lambdaItemFields(item), err }, 'infrastructure failure; the record will be retried'),
  });
});

export async function handler(event: SQSEvent, context?: InvocationContext): Promise<SQSBatchResponse> {
  return (await runtime().catch(startupFailed(logger))).sqsHandler(event, context);
}
