import { randomUUID } from 'node:crypto';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeQueueType } from './probe-queue-type';

// The shared broker (:5672), unique queue names.
const URL = 'amqp://guest:guest@127.0.0.1:5672';
const sfx = randomUUID().slice(0, 8);
const made: string[] = [];
let conn: ChannelModel;

beforeAll(async () => {
  conn = await amqp.connect(URL);
});

afterAll(async () => {
  const ch = await conn.createChannel();
  for (const q of made) await ch.deleteQueue(q).catch(() => {});
  await conn.close();
});

async function queue(name: string, args: Record<string, unknown>): Promise<string> {
  const q = `fwd-probe-${name}-${sfx}`;
  made.push(q);
  const ch = await conn.createChannel();
  await ch.assertQueue(q, { durable: true, arguments: args });
  await ch.close();
  return q;
}

describe('probeQueueType', () => {
  it('tells quorum from classic (declared with or without x-queue-type)', async () => {
    expect(await probeQueueType(conn, await queue('q', { 'x-queue-type': 'quorum' }))).toBe('quorum');
    expect(await probeQueueType(conn, await queue('c', { 'x-queue-type': 'classic' }))).toBe('classic');
    expect(await probeQueueType(conn, await queue('n', {}))).toBe('classic');
  });

  it('does not guess when another argument differs first, nor create a missing queue', async () => {
    const prio = await queue('p', { 'x-queue-type': 'classic', 'x-max-priority': 10 });
    expect(await probeQueueType(conn, prio)).toBeUndefined();
    const missing = `fwd-probe-missing-${sfx}`;
    made.push(missing);
    expect(await probeQueueType(conn, missing)).toBeUndefined();
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    await expect(ch.checkQueue(missing)).rejects.toThrow(/NOT_FOUND/);
  });
});
