/**
 * Lambda entry: Amazon MQ (RabbitMQ) trigger → warren worker. Configured from the environment:
 * the bundled config (or WARREN_CONFIG), REDIS_URL or the Upstash variables, and RABBITMQ_URL (or
 * this region's brokers from WARREN_REGIONS) for republishing retries and dead letters.
 */
import {
  type AmqpBroker,
  celeryCodecsFor,
  createAmqpBroker,
  deadLetterProperties,
  dueAt,
  type IncomingMessage,
  republishProperties,
  warrenCodec,
} from '@warren/amqp';
import { logExecutorEvents } from '@warren/observability';
import { celeryRefusalSink } from '@warren/results/celery';
import { createWorker, type InvocationContext, type RmqEvent, type RmqSink } from '@warren/worker';
import { lambdaItemFields, lambdaLogger, startupFailed } from './shared/lambda-logs';
import { pendingWrites } from './shared/pending-writes';
import { resultsFromEnv } from './shared/results-env';
import { brokerUrlsFromEnv, lazy, loadWorkerConfig, workerEnv } from './shared/worker-env';

/**
 * Dead letters and delay-tier hops through the amqp adapter's confirmed raw send (the same moves
 * its own consumer makes).
 */
export function amqpRmqSink(broker: AmqpBroker): RmqSink {
  const send = broker.publishRaw;
  return {
    async deadLetter(queue, m, reason) {
      await broker.ensureQueue(queue); // declares `<queue>.dlq` with it
      await broker.sendDeadLetter(queue, m.content, deadLetterProperties(m, queue, reason));
    },
    dueAt: (m) => dueAt(m, undefined) || undefined,
    hop: (queue, m, dueAt) => send(queue, m.content, republishProperties(m), { dueAt }),
    // Declared once per connection (broker.connect declares config.queues already).
    prepare: (queue) => broker.ensureQueue(queue),
  };
}

const logger = lambdaLogger('warren-rmq-worker');
/**
 * The codec reports a refused Celery message without waiting for its FAILURE meta to be written
 * (decoding is synchronous). Lambda freezes the process once the handler returns, so the handler
 * waits for those writes: otherwise a write still in flight happened on the next invocation, or
 * never, and the Celery client's AsyncResult.get waited meanwhile.
 */
const refusals = pendingWrites();

const runtime = lazy(async () => {
  const env = workerEnv();
  const config = await loadWorkerConfig(env);
  const results = await resultsFromEnv(env, config);
  // `protocol: 'celery'` queues decode (and re-encode their retries) as Celery messages; a refused
  // one gets its FAILURE meta, so the Celery client's AsyncResult.get raises instead of hanging.
  // Its default reports a failed meta write with console.error, past the logger's redaction.
  const refusalSink = celeryRefusalSink(results, (err, r) =>
    logger.error(
      { taskId: r.taskId, task: r.task, queue: r.queue, err },
      'Celery FAILURE meta for a refused message not written (the message is in the DLQ)',
    ),
  );
  const codecs = celeryCodecsFor(config, { onRefused: refusalSink && refusals.track(refusalSink) });
  const broker = createAmqpBroker({ urls: brokerUrlsFromEnv(env, config), queues: config.queues, codecs });
  await broker.connect();
  // Job lines with jobId, task, queue, attempt and trace id; tasks run in their job's span.
  const jobLogs = logExecutorEvents(logger);
  const worker = createWorker({
    config,
    results,
    onEvent: jobLogs,
    runScope: jobLogs.runScope,
    publisher: broker.publisher,
    rmq: amqpRmqSink(broker),
    decode: (m) =>
      (codecs[m.queue] ?? warrenCodec).decode({
        content: m.content,
        properties: m.properties as unknown as IncomingMessage['properties'],
      }),
    onLambdaError: (err, m) =>
      logger.error({ ...lambdaItemFields(m), err }, 'infrastructure failure; the batch will be redelivered'),
  });
  return worker;
});

export async function handler(event: RmqEvent, context?: InvocationContext): Promise<void> {
  const worker = await runtime().catch(startupFailed(logger));
  try {
    return await worker.rmqHandler(event, context);
  } finally {
    await refusals.settled();
  }
}
