import { describe, expect, it } from 'vitest';
import { DUE_EXCHANGE, pickTier, tierQueueArguments } from './delay-tiers';
import { workQueueArguments } from './queue-arguments';

describe('topology arguments', () => {
  it('work queues: quorum by default, DLX to <queue>.dlq, reject-publish when limited', () => {
    expect(workQueueArguments('jobs', { maxLength: 10, messageTtlMs: 60_000 })).toEqual({
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'jobs.dlq',
      'x-max-length': 10,
      'x-overflow': 'reject-publish',
      'x-message-ttl': 60_000,
    });
  });

  it('priorities need a classic queue on RabbitMQ 3.10', () => {
    expect(() => workQueueArguments('p', { maxPriority: 5 })).toThrow(/classic/);
    expect(workQueueArguments('p', { type: 'classic', maxPriority: 5 })['x-max-priority']).toBe(5);
  });

  it('delay tiers: the largest tier not above the delay, else the smallest', () => {
    const tiers = [1000, 5000, 30_000, 3_600_000];
    expect(pickTier(tiers, 200)).toBe(1000);
    expect(pickTier(tiers, 1000)).toBe(1000);
    expect(pickTier(tiers, 29_999)).toBe(5000);
    expect(pickTier(tiers, 31_000)).toBe(30_000);
    expect(pickTier(tiers, 3 * 3_600_000)).toBe(3_600_000);
  });

  it('tier queues dead-letter through the due exchange (the message keeps its own routing key)', () => {
    const args = tierQueueArguments(5000);
    expect(args['x-message-ttl']).toBe(5000);
    expect(args['x-dead-letter-exchange']).toBe(DUE_EXCHANGE);
    expect(args['x-dead-letter-routing-key']).toBeUndefined();
    expect(args['x-dead-letter-strategy']).toBe('at-least-once');
  });
});
