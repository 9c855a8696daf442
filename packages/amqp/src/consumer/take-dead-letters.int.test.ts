import { randomInt } from 'node:crypto';
import { TransportError } from '@warren/core';
import { eventually, makeJob } from '@warren/core/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warrenCodec } from '../codecs/warren-codec';
import { type AmqpBroker, type AmqpBrokerOptions, createAmqpBroker } from '../create-amqp-broker';
import { dlqName } from '../topology/queue-arguments';
import { deadLetterProperties } from './dead-letter';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);

const URL = 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `h57-take-${FILE_ID}`;
const QUEUES = [`${RUN}-a`, `${RUN}-b`, `${RUN}-c`, `${RUN}-d`];

const options = (): AmqpBrokerOptions => ({
  urls: [URL],
  queues: Object.fromEntries(QUEUES.map((q) => [q, {}])), // quorum, as in production
  healthIntervalMs: 0,
  delayTiersMs: [],
  // A codec that throws on one body (a bug in a custom codec): that letter is unreadable.
  codecs: {
    [QUEUES[3]!]: {
      name: 'throws',
      encode: warrenCodec.encode,
      decode: (m) => {
        if (m.content.toString() === 'boom') throw new Error('codec bug');
        return warrenCodec.decode(m);
      },
    },
  },
});

describe('takeDeadLetters (shared node)', () => {
  let broker: AmqpBroker;
  let admin: amqp.ChannelModel;

  beforeAll(async () => {
    broker = createAmqpBroker(options());
    await broker.connect();
    admin = await amqp.connect(URL);
  });
  afterAll(async () => {
    await broker.close();
    const ch = await admin.createChannel();
    for (const q of QUEUES) for (const n of [q, dlqName(q)]) await ch.deleteQueue(n).catch(() => {});
    await admin.close();
  });

  /** Dead-letters jobs of `queue` as the consumer does (encoded, with a reason and dead-at). */
  const bury = async (queue: string, n: number) => {
    const jobs = Array.from({ length: n }, (_, i) => makeJob({ queue, input: { i } }));
    const at = Date.now();
    for (const [i, job] of jobs.entries()) {
      const msg = warrenCodec.encode(job);
      const props = deadLetterProperties({ properties: msg.properties as never }, queue, `boom ${i}`);
      props.headers!['x-warren-dead-at'] = at + i; // one ms apart: a stable dead-at order
      await broker.sendDeadLetter(queue, msg.content, props);
    }
    return jobs;
  };
  /** The DLQ's ids in queue order (peek sorts by dead-at): taken and all handed back. */
  const ids = async (queue: string) => {
    const take = await broker.takeDeadLetters(queue, 100);
    await take.end();
    return take.letters.map((l) => (l.decoded.ok ? l.decoded.job.id : `unreadable: ${l.body}`));
  };

  it('decodes each letter; acked ones leave, the rest go back in order; an unreadable body stays', async () => {
    const q = QUEUES[0]!;
    const jobs = await bury(q, 3);
    await broker.publishRaw(
      dlqName(q),
      'not json',
      { headers: { 'x-warren-reason': 'bad body' } },
      {
        declare: false,
      },
    );
    const take = await broker.takeDeadLetters(q, 10);
    expect(take.letters).toHaveLength(4);
    expect(take.remaining).toBe(0);
    expect(take.letters.map((l) => (l.decoded.ok ? l.decoded.job.id : l.decoded.reason))).toEqual([
      jobs[0]!.id,
      jobs[1]!.id,
      jobs[2]!.id,
      expect.stringMatching(/not JSON/),
    ]);
    expect(take.letters[1]!.reason).toBe('boom 1');
    expect(take.letters[1]!.deadAt).toBeGreaterThan(Date.now() - 60_000);
    // Held: a peek meanwhile sees none of them.
    expect(await broker.peekDeadLetters(q)).toEqual([]);
    take.ack(take.letters[1]!);
    await take.end();
    expect(await ids(q)).toEqual([jobs[0]!.id, jobs[2]!.id, 'unreadable: not json']);
    // A quorum queue counts what was handed back a moment later (its log applies the returns).
    await eventually(async () => (await broker.checkQueue(dlqName(q))).messageCount === 3, 5000);
    const peeked = await broker.peekDeadLetters(q, 10, { decode: true });
    expect(peeked.map((r) => r.decoded?.ok)).toEqual([false, true, true]); // no dead-at sorts first
  });

  it('takes at most max and says how many are left; a peek still lists them in dead-at order', async () => {
    const q = QUEUES[1]!;
    const jobs = await bury(q, 5);
    const take = await broker.takeDeadLetters(q, 2);
    expect(take.letters.map((l) => l.decoded.ok && l.decoded.job.id)).toEqual([jobs[0]!.id, jobs[1]!.id]);
    expect(take.remaining).toBe(3);
    await take.end();
    // Measured on RabbitMQ 3.10: a quorum queue puts what is handed back at its end (a classic
    // queue restores the position), so the queue order is now 2,3,4,0,1; dead-at order is not.
    expect(await ids(q)).toEqual([2, 3, 4, 0, 1].map((i) => jobs[i]!.id));
    const peeked = await broker.peekDeadLetters(q, 10, { decode: true });
    expect(peeked.map((r) => r.decoded?.ok && r.decoded.job.id)).toEqual(jobs.map((j) => j.id));
  });

  it('a channel lost before end hands every letter back, acked or not, and end says so', async () => {
    const q = QUEUES[2]!;
    const jobs = await bury(q, 2);
    const take = await broker.takeDeadLetters(q, 10);
    // The connection goes (a node restart): nothing the broker did not process may be lost.
    await broker.close();
    expect(() => take.ack(take.letters[0]!)).toThrow(TransportError);
    await expect(take.end()).rejects.toThrow(/went back to the DLQ/);
    broker = createAmqpBroker(options());
    await broker.connect();
    expect(await ids(q)).toEqual(jobs.map((j) => j.id));
  });

  it('a codec that throws makes that letter unreadable, not the read a failure', async () => {
    const q = QUEUES[3]!;
    const [job] = await bury(q, 1);
    await broker.publishRaw(dlqName(q), 'boom', {}, { declare: false });
    const take = await broker.takeDeadLetters(q, 10);
    expect(take.letters.map((l) => l.decoded)).toEqual([
      expect.objectContaining({ ok: true, job: expect.objectContaining({ id: job!.id }) }),
      { ok: false, reason: 'decode failed: codec bug' },
    ]);
    await take.end();
    const peeked = await broker.peekDeadLetters(q, 10, { decode: true });
    expect(peeked.map((r) => r.decoded?.ok)).toEqual([false, true]);
  });

  it('a DLQ that does not exist is a clear, non-recoverable error', async () => {
    const err = await broker.takeDeadLetters(`${RUN}-missing`, 10).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toMatch(/NOT_FOUND.*missing\.dlq/);
  });
});
