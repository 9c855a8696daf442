import { EventEmitter } from 'node:events';
import { TransportError } from '@warren/core';
import type { ChannelModel } from 'amqplib';
import { describe, expect, it, vi } from 'vitest';
import type { ClusterConnection } from '../connection/cluster-connection';
import { channelCloseError } from './channel-close-error';
import { ConfirmPublisher } from './confirm-publisher';

const publisher = () =>
  new ConfirmPublisher({} as ClusterConnection, {
    maxInFlight: 10,
    confirmTimeoutMs: 1000,
    waitForConnectionMs: 0,
    onNack: async () => new TransportError('nack', true),
  });

describe('ConfirmPublisher', () => {
  it('a closed publisher opens no channel when a (late) connect hook attaches it', async () => {
    const p = publisher();
    await p.close();
    const model = { createConfirmChannel: vi.fn(), on: vi.fn(), once: vi.fn() };
    await p.attach(model as unknown as ChannelModel);
    expect(model.createConfirmChannel).not.toHaveBeenCalled();
  });

  it('watches a connection for its close once, however often a channel is re-attached to it', async () => {
    const p = publisher();
    const model = Object.assign(new EventEmitter(), {
      createConfirmChannel: async () => Object.assign(new EventEmitter(), { close: async () => {} }),
    });
    for (let i = 0; i < 12; i++) await p.attach(model as unknown as ChannelModel);
    // Before: one more 'close' listener per attach (MaxListenersExceededWarning after 11).
    expect(model.listenerCount('close')).toBe(1);
    await p.close();
  });
});

describe('channelCloseError', () => {
  const notFound = Object.assign(
    new Error(
      `Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no exchange 'warren.delay.5000' in vhost '/'"`,
    ),
    { code: 404 },
  );

  it('the publish to the exchange the error names gets the classified error, not "connection lost"', () => {
    const e = channelCloseError(notFound, 'warren.delay.5000', 'emails', 100);
    expect(e.recoverable).toBe(false);
    expect(e.message).toMatch(/NOT_FOUND - no exchange 'warren\.delay\.5000'/);
  });

  it('the other publishes on that channel are recoverable and say why the channel closed', () => {
    const e = channelCloseError(notFound, '', 'emails', 100);
    expect(e.recoverable).toBe(true);
    expect(e.message).toMatch(/channel closed .*NOT_FOUND/);
  });

  it('no channel error: the connection was lost (recoverable)', () => {
    const e = channelCloseError(undefined, '', 'emails', 100);
    expect(e.recoverable).toBe(true);
    expect(e.message).toMatch(/connection lost/);
  });

  const tooLarge = Object.assign(
    new Error(
      'Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - message size 2097434 is larger than configured max size 1048576"',
    ),
    { code: 406 },
  );

  it('a channel closed for an oversized message: that publish is refused for good, saying so', () => {
    const e = channelCloseError(tooLarge, '', 'emails', 2_097_434);
    expect(e.recoverable).toBe(false);
    expect(e.message).toMatch(
      /2097434 bytes\) is larger than the broker's max_message_size \(1048576 bytes\)/,
    );
  });

  it('the publishes of normal size on that channel are recoverable (before: the 406, not recoverable)', () => {
    const e = channelCloseError(tooLarge, '', 'emails', 300);
    expect(e.recoverable).toBe(true);
    expect(e.message).toMatch(/channel closed .*larger than configured max size/);
  });
});
