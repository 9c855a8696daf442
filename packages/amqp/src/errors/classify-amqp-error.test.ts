import { QueueFullError } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { classifyAmqpError } from './classify-amqp-error';

const err = (message: string, code?: string | number) => Object.assign(new Error(message), { code });

describe('classifyAmqpError', () => {
  it('connection loss and nodes stopping are recoverable', () => {
    expect(classifyAmqpError(err('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')).recoverable).toBe(true);
    expect(classifyAmqpError(err('read ECONNRESET', 'ECONNRESET')).recoverable).toBe(true);
    expect(
      classifyAmqpError(err('Connection closed: 320 (CONNECTION-FORCED) shutdown', 320)).recoverable,
    ).toBe(true);
    expect(classifyAmqpError(err('Channel closed')).recoverable).toBe(true);
    expect(classifyAmqpError(err('Heartbeat timeout')).recoverable).toBe(true);
    expect(
      classifyAmqpError(err("NOT_FOUND - home node 'rabbit@x' of queue 'q' is down or inaccessible", 404))
        .recoverable,
    ).toBe(true);
  });

  it('refusals and mismatches are not', () => {
    expect(
      classifyAmqpError(
        err('Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED"'),
      ).recoverable,
    ).toBe(false);
    expect(classifyAmqpError(err('PRECONDITION_FAILED - inequivalent arg', 406)).recoverable).toBe(false);
    expect(classifyAmqpError(err("NOT_FOUND - no queue 'q'", 404)).recoverable).toBe(false);
    expect(classifyAmqpError(err('vhost not allowed', 530)).recoverable).toBe(false);
  });

  it('passes warren transport errors through unchanged', () => {
    const full = new QueueFullError('q');
    expect(classifyAmqpError(full)).toBe(full);
  });
});
