import { TransportError } from '@warren/core';
import type { ChannelModel } from 'amqplib';
import { describe, expect, it, vi } from 'vitest';
import type { ClusterConnection } from '../connection/cluster-connection';
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
});
