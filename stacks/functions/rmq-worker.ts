/**
 * Lambda entry: Amazon MQ (RabbitMQ) trigger → warren worker. Configured from the environment:
 * the bundled config (or WARREN_CONFIG), REDIS_URL or the Upstash variables, and RABBITMQ_URL (or
 * this region's brokers from WARREN_REGIONS) for republishing retries and dead letters.
 */
import {
  type AmqpBroker,
  celeryCodecsFor,
  createAmqpBroker,
  DEAD_AT_HEADER,
  DUE_HEADER,
  dlqName,
  type IncomingMessage,
  QUEUE_HEADER,
  REASON_HEADER,
  warrenCodec,
} from '@warren/amqp';
import {
  createWorker,
  type DecodedRmqMessage,
  type InvocationContext,
  type RmqEvent,
  type RmqSink,
} from '@warren/worker';
import { resultsFromEnv } from './shared/results-env';
import { brokerUrlsFromEnv, lazy, loadWorkerConfig, workerEnv } from './shared/worker-env';

/** The properties a copy of the message keeps (amqplib publish options). */
function copyProps(m: DecodedRmqMessage, headers: Record<string, unknown>): Record<string, unknown> {
  const p = m.properties;
  const out: Record<string, unknown> = { headers };
  for (const k of [
    'contentType',
    'contentEncoding',
    'correlationId',
    'replyTo',
    'messageId',
    'type',
    'appId',
  ] as const) {
    if (p[k] !== undefined) out[k] = p[k];
  }
  if (p.timestamp !== undefined) out.timestamp = p.timestamp;
  if (p.priority !== undefined) out.priority = p.priority;
  return out;
}

/**
 * Dead letters and delay-tier hops through the amqp adapter's confirmed raw send (the same moves
 * its own consumer makes).
 */
export function amqpRmqSink(broker: AmqpBroker): RmqSink {
  const send = broker.publishRaw;
  return {
    async deadLetter(queue, m, reason) {
      await broker.ensureQueue(queue); // declares `<queue>.dlq` with it
      const { [DUE_HEADER]: _due, ...headers } = m.properties.headers;
      await send(
        dlqName(queue),
        m.content,
        copyProps(m, {
          ...headers,
          [REASON_HEADER]: reason.slice(0, 4000),
          [QUEUE_HEADER]: queue,
          [DEAD_AT_HEADER]: Date.now(),
        }),
        { declare: false },
      );
    },
    dueAt: (m) => Number(m.properties.headers[DUE_HEADER] ?? 0) || undefined,
    hop: (queue, m, dueAt) => send(queue, m.content, copyProps(m, m.properties.headers), { dueAt }),
  };
}

const runtime = lazy(async () => {
  const env = workerEnv();
  const config = await loadWorkerConfig(env);
  // `protocol: 'celery'` queues decode (and re-encode their retries) as Celery messages.
  const codecs = celeryCodecsFor(config);
  const broker = createAmqpBroker({ urls: brokerUrlsFromEnv(env, config), queues: config.queues, codecs });
  await broker.connect();
  return createWorker({
    config,
    results: await resultsFromEnv(env, config),
    publisher: broker.publisher,
    rmq: amqpRmqSink(broker),
    decode: (m) =>
      (codecs[m.queue] ?? warrenCodec).decode({
        content: m.content,
        properties: m.properties as unknown as IncomingMessage['properties'],
      }),
    onLambdaError: (err) => console.error('infrastructure failure; the batch will be redelivered', err),
  });
});

export async function handler(event: RmqEvent, context?: InvocationContext): Promise<void> {
  return (await runtime()).rmqHandler(event, context);
}
