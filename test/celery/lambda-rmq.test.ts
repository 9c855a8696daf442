import { readFileSync } from 'node:fs';
import { celeryCodecsFor } from '@warren/amqp';
import { defineConfig } from '@warren/core';
import { type RmqEvent, type RmqHeaderValue, rmqMessages } from '@warren/worker';
import type { MessageProperties } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { celeryQueues, celeryTasks } from '../../examples/celery-tasks';
import { add } from '../../examples/tasks';

/**
 * Celery messages reaching a Lambda through the Amazon MQ (RabbitMQ) trigger: the `aws:rmq`
 * event carries base64 bodies and `{bytes: [...]}` header strings; after `rmqMessages` the
 * same Celery codec decodes them. (Amazon MQ itself cannot be reached from here: the event is
 * built from messages captured from real Celery 5.2, in the documented event shape.)
 */
interface Captured {
  task_id: string;
  body_base64: string;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
}
const { messages } = JSON.parse(
  readFileSync(
    new URL('../../packages/amqp/src/codecs/celery/fixtures/messages.json', import.meta.url),
    'utf8',
  ),
) as { messages: Record<string, Captured> };

const asRmqHeader = (v: unknown): RmqHeaderValue => {
  if (typeof v === 'string') return { bytes: [...Buffer.from(v, 'utf8')] };
  if (Array.isArray(v)) return v.map(asRmqHeader);
  return v as RmqHeaderValue;
};
const rmq = (c: Captured) => ({
  basicProperties: {
    contentType: c.properties.content_type as string,
    contentEncoding: c.properties.content_encoding as string,
    correlationId: c.properties.correlation_id as string,
    deliveryMode: c.properties.delivery_mode as number,
    priority: c.properties.priority as number,
    headers: Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, asRmqHeader(v)])),
  },
  redelivered: false,
  data: c.body_base64,
});

describe('Celery messages in a Lambda aws:rmq event', () => {
  it('decode into warren jobs on the queue they came from', () => {
    const config = defineConfig({ tasks: [add, ...celeryTasks], queues: celeryQueues });
    const codecs = celeryCodecsFor(config);
    const event: RmqEvent = {
      eventSource: 'aws:rmq',
      eventSourceArn: 'arn:aws:mq:eu-west-1:000000000000:broker:b:b-1',
      rmqMessagesByQueue: {
        'celery::/': [rmq(messages.positional!), rmq(messages['eta-retried']!)],
        'python::/': [rmq(messages['kwargs-only']!)],
      },
    };
    const jobs = rmqMessages(event).map((m) => {
      // amqplib's MessageProperties types every field as required; the Lambda shape has the
      // same fields, optional. `queue` tells the codec which queue the message came from.
      const msg = { content: m.content, properties: m.properties as unknown as MessageProperties };
      const r = codecs[m.queue]!.decode(Object.assign(msg, { queue: m.queue }));
      if (!r.ok) throw new Error(r.reason);
      return r;
    });
    expect(jobs.map((r) => [r.job.queue, r.job.task, r.job.input, r.attempt])).toEqual([
      ['celery', 'demo.add', { a: 2, b: 3 }, 1],
      ['celery', 'demo.add', { a: 4, b: 5 }, 3],
      ['python', 'py.mul', { a: 6, b: 7 }, 1],
    ]);
    expect(jobs[1]!.job.notBefore).toBe('2030-01-02T03:04:05.678Z');
  });
});
