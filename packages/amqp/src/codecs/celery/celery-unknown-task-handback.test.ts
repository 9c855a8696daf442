import { readFileSync } from 'node:fs';
import { copyDueIn, defineTask } from '@warren/core';
import type { MessageProperties } from 'amqplib';
import { expect, it } from 'vitest';
import { z } from 'zod';
import type { IncomingMessage } from '../../codec';
import { createCeleryCodec } from './celery-codec';

// A rolling deploy on a Celery queue: a Python client calls a task only the new TypeScript
// workers have. An old worker decodes the call without the task's schema and hands it back
// (worker.unknownTaskGraceMs) re-encoded by the same codec: the new worker must read the same call.
const fixture = JSON.parse(readFileSync(new URL('./fixtures/messages.json', import.meta.url), 'utf8')) as {
  messages: Record<
    string,
    { body_base64: string; headers: Record<string, unknown>; properties: Record<string, unknown> }
  >;
};

const add = defineTask({
  name: 'demo.add',
  queue: 'celery',
  input: z.object({ a: z.number(), b: z.number() }),
  handler: ({ a, b }) => a + b,
});

it.each(['positional', 'kwargs-only'])(
  'a %s call handed back by a worker without the task reads the same on one with it',
  (label) => {
    const c = fixture.messages[label]!;
    const p = c.properties;
    const sent: IncomingMessage = {
      content: Buffer.from(c.body_base64, 'base64'),
      properties: {
        contentType: p.content_type,
        contentEncoding: p.content_encoding,
        correlationId: p.correlation_id,
        priority: 7,
        headers: c.headers,
      } as MessageProperties,
    };
    const oldCodec = createCeleryCodec({ tasks: new Map(), queue: 'celery' });
    const newCodec = createCeleryCodec({ tasks: new Map([[add.name, add]]), queue: 'celery' });
    const direct = newCodec.decode(sent);
    const seenOld = oldCodec.decode(sent);
    if (!direct.ok || !seenOld.ok) throw new Error('not decoded');
    const back = oldCodec.encode(copyDueIn(seenOld.job, seenOld.job.attempt, 1000));
    const again = newCodec.decode({
      content: back.content,
      properties: back.properties as MessageProperties,
    });
    if (!again.ok) throw new Error(again.reason);
    expect(again.job.input).toEqual(direct.job.input);
    expect(again.job).toMatchObject({ id: direct.job.id, attempt: 1, priority: 7 });
  },
);
