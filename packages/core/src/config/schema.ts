import { nameSchema } from '@warren/protocol';
import * as z from 'zod';

// Strict objects throughout: configs load through tsx, which strips types, so a misspelt key
// (`queus`, `maxLenght`) would otherwise be dropped without a word and its setting never applied.

const DAY_MS = 86_400_000;

/** `*`, or an origin exactly as a browser sends it in `Origin` (the CORS middleware compares strings). */
const isCorsOrigin = (o: string): boolean => {
  if (o === '*') return true;
  try {
    return new URL(o).origin === o;
  } catch {
    return false;
  }
};

export const regionSchema = z.strictObject({
  id: nameSchema,
  location: z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
  /** Node URLs of this region's broker cluster (amqp:// or amqps://); empty = the embedded broker. */
  brokers: z.array(z.string().regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL')).default([]),
  /** SQS queue URL prefix for this region (`https://sqs.<region>.amazonaws.com/<account>/`). */
  sqs: z.strictObject({ queueUrlPrefix: z.string().url(), awsRegion: z.string().optional() }).optional(),
  /**
   * Breaks ties between regions equally far from the caller (the same location): the heavier one
   * is tried first. It does not split traffic between them.
   */
  weight: z.number().positive().optional(),
  /** Deploy only: the AWS region of this region's stack (default: `sqs.awsRegion`, else the id). */
  awsRegion: z
    .string()
    .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1')
    .optional(),
  /** Deploy only: create an Amazon MQ for RabbitMQ broker here (else `brokers` come from a secret). */
  amazonMq: z
    .strictObject({
      deploymentMode: z.enum(['cluster', 'single']).default('cluster'),
      instanceType: z.string().default('mq.m5.large'),
      engineVersion: z.string().default('3.13'),
      /** Public brokers are reachable from Lambda without a VPC (TLS + credentials still required). */
      publiclyAccessible: z.boolean().default(true),
    })
    .optional(),
});
export type Region = z.infer<typeof regionSchema>;

export const queueConfigSchema = z.strictObject({
  /** RabbitMQ queue type: quorum (replicated, default) or classic (needed for priorities on 3.10). */
  type: z.enum(['quorum', 'classic']).default('quorum'),
  /** Messages beyond this are refused (`x-overflow: reject-publish`) → QueueFullError / HTTP 429. */
  maxLength: z.number().int().positive().optional(),
  /**
   * A job not started within this time of its due time expires: its expiresAt (the request's
   * `expiresInMs` if sooner), so it is recorded `expired` and its retries end there; on RabbitMQ
   * also the queue's `x-message-ttl` (the broker dead-letters it to `<queue>.dlq`).
   */
  messageTtlMs: z.number().int().positive().optional(),
  /**
   * Enables priorities 0..maxPriority (classic queues only on RabbitMQ 3.10). With `sqs` they
   * order only the jobs waiting on RabbitMQ for the forwarder: SQS has no priorities.
   */
  maxPriority: z.number().int().min(1).max(255).optional(),
  /** Jobs landing elsewhere are forwarded to this region. */
  homeRegion: nameSchema.optional(),
  /** Bridge this queue into SQS in every region that has `sqs` (for Lambda workers). */
  sqs: z.union([z.boolean(), z.strictObject({ fifo: z.boolean().default(false) })]).optional(),
  /** `celery`: speak Celery message protocol v2 on this queue. */
  protocol: z.enum(['warren', 'celery']).default('warren'),
  /** Deploy only: a Lambda worker fed from SQS (`sqs`, needs `sqs`) or straight from Amazon MQ (`rmq`). */
  lambda: z
    .strictObject({
      consumer: z.enum(['sqs', 'rmq']).default('sqs'),
      batchSize: z.number().int().min(1).max(10_000).optional(),
      batchingWindowS: z.number().int().min(0).max(300).optional(),
      memoryMb: z.number().int().min(128).max(10_240).optional(),
    })
    .optional(),
});
export type QueueConfig = z.infer<typeof queueConfigSchema>;
export type QueueConfigInput = z.input<typeof queueConfigSchema>;

export const apiKeySchema = z.strictObject({
  key: z
    .string()
    .min(16, 'API keys must be at least 16 characters')
    // It travels as `Authorization: Bearer <key>`: a key with whitespace or control characters
    // could never be presented, and Node reads header bytes as Latin-1, so a non-ASCII key sent
    // as UTF-8 never matched either.
    .regex(/^[\x21-\x7e]+$/, 'API keys must be printable ASCII, without whitespace'),
  name: z.string().optional(),
  /** Task name patterns this key may enqueue (`*` wildcard); omitted = all tasks. */
  tasks: z.array(z.string()).optional(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const configShapeSchema = z.strictObject({
  /** Region this process runs in (the fallback for routing and the `origin` of its jobs). */
  region: nameSchema.default('local'),
  regions: z.array(regionSchema).default([]),
  queues: z.record(nameSchema, queueConfigSchema).default({}),
  results: z.strictObject({ ttlS: z.number().int().positive().default(86_400) }).default({ ttlS: 86_400 }),
  auth: z
    .strictObject({
      // Only the first of two equal keys was ever matched, whatever limit the other meant to set.
      keys: z
        .array(apiKeySchema)
        .default([])
        .superRefine((keys, ctx) => {
          const first = new Map<string, number>();
          keys.forEach((k, i) => {
            const at = first.get(k.key);
            if (at === undefined) first.set(k.key, i);
            else ctx.addIssue({ code: 'custom', path: [i], message: `repeats the key of auth.keys.${at}` });
          });
        }),
    })
    .default({ keys: [] }),
  ingest: z
    .strictObject({
      bodyLimitBytes: z
        .number()
        .int()
        .positive()
        .default(256 * 1024),
      // Bounded (a day): setTimeout runs anything past 2^31 - 1 ms after 1 ms.
      publishTimeoutMs: z.number().int().positive().max(DAY_MS).default(5000),
      /** Browser origins allowed to call the API (CORS), e.g. `https://app.example.com`; `*` for any. Off when absent. */
      corsOrigins: z
        .array(
          z
            .string()
            .refine(
              isCorsOrigin,
              "must be '*' or an origin such as https://app.example.com (scheme, host and port, lower case, no path or trailing slash)",
            ),
        )
        .optional(),
    })
    .default({ bodyLimitBytes: 256 * 1024, publishTimeoutMs: 5000 }),
  worker: z
    .strictObject({
      concurrency: z.number().int().positive().default(16),
      queues: z.array(nameSchema).optional(),
      shutdownTimeoutMs: z.number().int().positive().max(DAY_MS).default(30_000),
      /**
       * A run's lease is its task's timeout plus this: the time its end has to be recorded after a
       * timeout, and how long past the timeout a copy delivered meanwhile, or a crashed worker's
       * job, waits. At least 1 s: the end of a run retries a store outage for half of it.
       */
      leaseMarginMs: z.number().int().min(1000).max(DAY_MS).default(30_000),
      /**
       * A job of a task this worker does not know is handed back (unrun, no attempt spent) for a
       * worker that knows it, until this long after the job was due; then it fails (UnknownTask)
       * into the DLQ. The longest a rolling deploy may keep old workers beside new producers.
       * 0: failed at once (Celery's way).
       */
      unknownTaskGraceMs: z.number().int().min(0).max(DAY_MS).default(300_000),
    })
    .default({
      concurrency: 16,
      shutdownTimeoutMs: 30_000,
      leaseMarginMs: 30_000,
      unknownTaskGraceMs: 300_000,
    }),
});
