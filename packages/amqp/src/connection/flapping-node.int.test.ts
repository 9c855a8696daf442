import { eventually, sleep } from '@warren/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type AmqpFrameProxy, startAmqpFrameProxy } from '../testing/amqp-frame-proxy';
import { ClusterConnection } from './cluster-connection';
import type { AmqpEvent } from './events';

/**
 * A node that accepts every connection and drops it right after (a broker closing new
 * connections, a balancer with a dead backend): each reconnect "succeeds", so a backoff that
 * restarts on every success never applies.
 */
describe('a node that drops every connection as soon as it is made (frame proxy, shared node)', () => {
  let proxy: AmqpFrameProxy | undefined;
  let conn: ClusterConnection | undefined;

  afterEach(async () => {
    await conn?.close();
    await proxy?.close();
  });

  it('reconnects with a growing backoff, not in a loop', async () => {
    proxy = await startAmqpFrameProxy();
    const events: AmqpEvent[] = [];
    let connects = 0;
    conn = new ClusterConnection({
      urls: [proxy.url],
      healthIntervalMs: 0,
      backoffInitialMs: 100,
      backoffMaxMs: 2000,
      onEvent: (e) => {
        events.push(e);
        if (e.type !== 'connected') return;
        connects++;
        setImmediate(() => proxy?.cut()); // lost as soon as made
      },
    });
    await conn.connect();
    const scheduled = () =>
      events.filter((e) => e.type === 'reconnect-scheduled') as { attempt: number; delayMs: number }[];
    // Before: no reconnect was ever scheduled, each loss reconnected at once (~20 connects a
    // second, every one declaring the topology again). Now 100, 200, 400, 800 ms (jittered).
    await eventually(() => scheduled().length >= 4, 15_000, 10);
    const first = scheduled().slice(0, 4);
    expect(first.map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
    for (const e of first) expect(e.delayMs).toBeGreaterThanOrEqual(50 * 2 ** (e.attempt - 1));
    // Counted, not timed: every connection made was followed by a pause, none by an immediate retry.
    expect(connects).toBeLessThanOrEqual(scheduled().length + 1);
  });

  it('a connection that lived past the longest backoff is replaced at once, as before', async () => {
    proxy = await startAmqpFrameProxy();
    const events: AmqpEvent[] = [];
    conn = new ClusterConnection({
      urls: [proxy.url],
      healthIntervalMs: 0,
      backoffInitialMs: 100,
      backoffMaxMs: 300,
      onEvent: (e) => events.push(e),
    });
    await conn.connect();
    await sleep(400);
    proxy.cut();
    await eventually(() => events.some((e) => e.type === 'disconnected'), 5000, 10);
    await conn.waitConnected(5000);
    expect(conn.current()).toBeDefined();
    expect(events.filter((e) => e.type === 'connected')).toHaveLength(2);
    expect(events.some((e) => e.type === 'reconnect-scheduled')).toBe(false);
  });
});
