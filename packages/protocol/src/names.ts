import * as z from 'zod';

/** Task, queue and region names: safe as AMQP queue names, SQS names (after mapping) and Redis key parts. */
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._:-]{0,127}$/;

export const nameSchema = z
  .string()
  .regex(
    NAME_PATTERN,
    'must start with a letter or digit and contain only letters, digits, . _ : - (max 128)',
  );

/** UUID (v7 preferred, any version accepted so foreign producers such as Celery interoperate) or ULID. */
export const JOB_ID_PATTERN =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9A-HJKMNP-TV-Z]{26})$/i;

export const jobIdSchema = z.string().regex(JOB_ID_PATTERN, 'must be a UUID or a ULID');

/** W3C trace context `traceparent` header value. */
export const traceparentSchema = z
  .string()
  .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent');

export const isoDateSchema = z.iso.datetime({ offset: true });
