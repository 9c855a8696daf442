import { makeJob } from '@warren/core/testing';
import type { ChannelModel, ConsumeMessage, Message } from 'amqplib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { warrenCodec } from '../codecs/warren-codec';
import type { ClusterConnection } from '../connection/cluster-connection';
import type { JobPublisher } from '../publisher/job-publisher';
import type { Topology } from '../topology/topology';
import { QueueSubscription } from './queue-subscription';

/** A subscription on a fake channel whose tier publishes fail; records what reaches the broker. */
async function setup() {
  const sent: string[] = [];
  let onMsg: (m: ConsumeMessage | null) => void = () => {};
  const ch = {
    on: () => {},
    prefetch: async () => {},
    consume: async (_q: string, fn: (m: ConsumeMessage | null) => void) => {
      onMsg = fn;
      return { consumerTag: 'c1' };
    },
    ack: (m: Message) => sent.push(`ack ${m.fields.deliveryTag}`),
    nack: (m: Message, _all = false, requeue = true) =>
      sent.push(`nack ${m.fields.deliveryTag} requeue=${requeue}`),
    cancel: async () => {},
    close: async () => {},
  };
  const model = { createChannel: async () => ch } as unknown as ChannelModel;
  const sub = new QueueSubscription('q', async () => {}, 10, {
    conn: { consumerModel: () => model } as unknown as ClusterConnection,
    topology: { ensure: async () => {}, redeclare: async () => {}, tiersMs: [1000] } as unknown as Topology,
    publisher: { send: () => Promise.reject(new Error('tier not confirmed')) } as unknown as JobPublisher,
    codecFor: () => warrenCodec,
    onEvent: () => {},
  });
  await sub.start(model);
  const early = (tag: number) => {
    const { content, properties } = warrenCodec.encode(
      // Due in a minute: back to a tier.
      makeJob({ task: 't', queue: 'q', notBefore: new Date(Date.now() + 60_000).toISOString() }),
    );
    onMsg({
      content,
      fields: { deliveryTag: tag, redelivered: false },
      properties: { ...properties, headers: {} },
    } as unknown as ConsumeMessage);
  };
  return { sub, sent, early };
}

afterEach(() => vi.useRealTimers());

describe('QueueSubscription', () => {
  it('an early message whose tier publish fails goes back after a pause that grows, not in a hot loop', async () => {
    vi.useFakeTimers();
    const s = await setup();
    s.early(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(s.sent).toEqual([]); // held, not requeued at once (it would come straight back)
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.sent).toEqual(['nack 1 requeue=true']);
    s.early(2); // the second failure in a row waits longer
    await vi.advanceTimersByTimeAsync(300);
    expect(s.sent).toEqual(['nack 1 requeue=true']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.sent).toEqual(['nack 1 requeue=true', 'nack 2 requeue=true']);
  });

  it('a consume the broker keeps refusing is retried after a pause that grows (1 s doubling to 30 s), not every second', async () => {
    vi.useFakeTimers();
    const attempts: number[] = [];
    const t0 = Date.now();
    const model = {
      createChannel: async () => {
        const handlers: Record<string, () => void> = {};
        return {
          on: (ev: string, fn: () => void) => {
            handlers[ev] = fn;
          },
          prefetch: async () => {},
          // Another consumer holds the queue exclusively: refused, and the channel closes.
          consume: async () => {
            attempts.push(Date.now() - t0);
            queueMicrotask(() => handlers.close?.());
            throw Object.assign(new Error('ACCESS_REFUSED - queue in exclusive use'), { code: 403 });
          },
          close: async () => {},
        };
      },
    } as unknown as ChannelModel;
    const sub = new QueueSubscription('q', async () => {}, 10, {
      conn: { consumerModel: () => model } as unknown as ClusterConnection,
      topology: { ensure: async () => {}, redeclare: async () => {}, tiersMs: [1000] } as unknown as Topology,
      publisher: {} as unknown as JobPublisher,
      codecFor: () => warrenCodec,
      onEvent: () => {},
    });
    await sub.start(model).catch(() => {});
    await vi.advanceTimersByTimeAsync(70_000);
    await sub.close();
    // 0, +1 s, +2 s, +4 s, +8 s, +16 s, +30 s: 7 tries in 70 s, not 70.
    expect(attempts).toEqual([0, 1000, 3000, 7000, 15000, 31000, 61000]);
  });
});
