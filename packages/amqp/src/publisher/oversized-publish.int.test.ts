import { TransportError } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitHarness, type RabbitNode } from '../../../../test/support/rabbit-nodes';
import type { AmqpEvent } from '../connection/events';
import { type AmqpBroker, createAmqpBroker } from '../create-amqp-broker';

const Q = `h59-oversized-${process.pid}`;
const MAX = 1024 * 1024;

/**
 * A publish over the broker's max_message_size (3.10: 128 MiB by default; 1 MiB on this private
 * node) closes the publisher channel with 406. Only that publish is at fault.
 */
describe('a publish larger than the broker max_message_size (private node)', () => {
  const harness = new RabbitHarness();
  let node: RabbitNode;
  let broker: AmqpBroker;
  const events: AmqpEvent[] = [];

  beforeAll(async () => {
    [node] = (await harness.start([{ name: 'warren-amqp-maxsize', port: 26591 }])) as [RabbitNode];
    // Read by each channel as it opens: set before the broker connects.
    await node.erl(`application:set_env(rabbit, max_message_size, ${MAX})`);
    broker = createAmqpBroker({
      urls: [node.url],
      queues: { [Q]: { type: 'classic' } },
      delayTiersMs: [1000],
      delayTierType: 'classic',
      healthIntervalMs: 0,
      onEvent: (e) => {
        if (e.type !== 'confirm') events.push(e);
      },
    });
    await broker.connect();
    await broker.ensureQueue(Q);
  }, 180_000);

  afterAll(async () => {
    await broker?.close().catch(() => {});
    await harness.stopAll();
  }, 120_000);

  const outcome = (p: Promise<void>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof TransportError ? `recoverable=${e.recoverable} ${e.message}` : String(e)),
    );
  const small = (i: number) => broker.publisher.publish(Q, makeJob({ queue: Q, input: { i } }));

  it('fails that publish alone as not recoverable; the others on the channel may be sent again', async () => {
    const before = Array.from({ length: 20 }, (_, i) => outcome(small(i)));
    const big = outcome(
      broker.publisher.publish(Q, makeJob({ queue: Q, input: { s: 'x'.repeat(2 * MAX) } })),
    );
    const after = Array.from({ length: 20 }, (_, i) => outcome(small(100 + i)));

    expect(await big).toMatch(/^recoverable=false .*larger than .*max/);
    // Before: all 20 after it (sent behind it on the closed channel, never enqueued) failed
    // recoverable=false with the big one's "message size ... is larger" error, so a caller
    // honouring `recoverable` dropped them.
    for (const r of [...(await Promise.all(before)), ...(await Promise.all(after))])
      if (r !== 'ok') expect(r).toMatch(/^recoverable=true /);
    // The channel is replaced, not the connection: no reconnect loop.
    expect(await outcome(small(999))).toBe('ok');
    expect(events.filter((e) => e.type === 'connected' || e.type === 'disconnected')).toHaveLength(1);
  }, 30_000);
});
