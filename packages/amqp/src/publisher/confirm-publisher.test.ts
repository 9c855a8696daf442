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

  /** A channel that acks every publish at once, and a connection that stays up. */
  const ackingChannel = () => {
    const ch = Object.assign(new EventEmitter(), {
      tag: 0,
      close: async () => {},
      publish: () => {
        const deliveryTag = ++ch.tag;
        queueMicrotask(() => ch.emit('ack', { deliveryTag, multiple: false }));
        return true;
      },
    });
    return ch;
  };

  /** A publisher on a connection that stays up (its channels come from `model`). */
  const onLiveConnection = (model: EventEmitter) => {
    const conn = { current: () => model, blocked: () => undefined, waitConnected: async () => true };
    return new ConfirmPublisher(conn as unknown as ClusterConnection, {
      maxInFlight: 10,
      confirmTimeoutMs: 3000,
      waitForConnectionMs: 0,
      onNack: async () => new TransportError('nack', true),
    });
  };

  it('a publish while a channel error has the channel reopening waits for the new channel', async () => {
    const model = Object.assign(new EventEmitter(), { createConfirmChannel: vi.fn() });
    const p = onLiveConnection(model);
    const first = ackingChannel();
    model.createConfirmChannel.mockResolvedValueOnce(first);
    // A loaded broker: the reopen (channel.open + confirm.select) takes 400 ms.
    model.createConfirmChannel.mockImplementationOnce(
      () => new Promise((r) => setTimeout(() => r(ackingChannel()), 400)),
    );
    await p.attach(model as unknown as ChannelModel);
    first.emit('error', new Error('Channel closed by server: 406 (PRECONDITION-FAILED)'));
    first.emit('close');
    // Before: after 100 ms, "not connected to any RabbitMQ node" (recoverable, but a failure).
    await expect(p.publish('', 'q', Buffer.from('{}'), {}, 'q')).resolves.toBeUndefined();
    expect(model.createConfirmChannel).toHaveBeenCalledTimes(2);
    await p.close();
  });

  it('a reopen that fails is tried again while the connection lives', async () => {
    const model = Object.assign(new EventEmitter(), { createConfirmChannel: vi.fn() });
    const p = onLiveConnection(model);
    const first = ackingChannel();
    model.createConfirmChannel
      .mockResolvedValueOnce(first)
      .mockRejectedValueOnce(new Error('channel.open timed out'))
      .mockResolvedValueOnce(ackingChannel());
    await p.attach(model as unknown as ChannelModel);
    first.emit('close');
    // Before: the one failed reopen left no channel on a live connection: every publish failed.
    await expect(p.publish('', 'q', Buffer.from('{}'), {}, 'q')).resolves.toBeUndefined();
    expect(model.createConfirmChannel).toHaveBeenCalledTimes(3);
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
