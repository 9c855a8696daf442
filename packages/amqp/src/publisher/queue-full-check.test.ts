import { QueueFullError, TransportError } from '@warren/core';
import type { Replies } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { createQueueFullCheck, fullFrom } from './queue-full-check';

const withCount = (messageCount: number) => async () =>
  ({ queue: 'q', messageCount, consumerCount: 0 }) as Replies.AssertQueue;

describe('createQueueFullCheck', () => {
  it('a classic queue is full at its maxLength (less 1 %)', () => {
    expect(fullFrom(10, 'classic')).toBe(10);
    expect(fullFrom(1000, 'classic')).toBe(990);
  });

  it("a quorum queue is full above 80 % of it: it refuses until it is back to RabbitMQ's low-water mark", () => {
    expect(fullFrom(10)).toBe(9);
    expect(fullFrom(10, 'quorum')).toBe(9);
    expect(fullFrom(15, 'quorum')).toBe(13);
    expect(fullFrom(1000, 'quorum')).toBe(791);
  });

  it('a nack in that band is QueueFullError; below it, or without a maxLength, a recoverable one', async () => {
    const nack = (type: 'quorum' | 'classic', count: number, maxLength?: number) =>
      createQueueFullCheck(() => ({ type, maxLength }), withCount(count))('q');
    expect(await nack('quorum', 9, 10)).toBeInstanceOf(QueueFullError);
    expect(await nack('classic', 9, 10)).not.toBeInstanceOf(QueueFullError);
    for (const err of [await nack('quorum', 8, 10), await nack('quorum', 9)]) {
      expect(err).not.toBeInstanceOf(QueueFullError);
      expect(err).toBeInstanceOf(TransportError);
      expect(err.recoverable).toBe(true);
    }
  });
});
