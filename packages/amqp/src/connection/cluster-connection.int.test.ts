import { TransportError } from '@warren/core';
import type { ChannelModel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { ClusterConnection } from './cluster-connection';
import type { AmqpEvent } from './events';

const URL = 'amqp://guest:guest@127.0.0.1:5672';

const closedWithin = (model: ChannelModel, ms: number) =>
  new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    model.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
  });

describe('ClusterConnection (shared node)', () => {
  it('close() while the connect hooks run closes the connection being set up', async () => {
    const conn = new ClusterConnection({ urls: [URL], healthIntervalMs: 0 });
    let model: ChannelModel | undefined;
    let closed: Promise<boolean> | undefined;
    conn.onConnect(async (m) => {
      model = m;
      closed = closedWithin(m, 2000);
      await conn.close(); // e.g. the app shuts down while topology is being declared
    });
    await expect(conn.connect()).rejects.toThrow();
    expect(model).toBeDefined();
    // Before: the socket stayed open and kept the process alive.
    expect(await closed).toBe(true);
    expect(conn.current()).toBeUndefined();
  });

  it('wrong credentials reject connect() as not recoverable, naming the refusal and the node (no password)', async () => {
    const conn = new ClusterConnection({
      urls: ['amqp://guest:WRONGPW@127.0.0.1:5672'],
      healthIntervalMs: 0,
    });
    const err = await conn.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    await conn.close();
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).recoverable).toBe(false);
    expect((err as Error).message).toMatch(
      /ACCESS.REFUSED.*\(node amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672\)/,
    );
    expect((err as Error).message).not.toContain('WRONGPW');
  });

  it('a missing vhost (530) is not recoverable either', async () => {
    const conn = new ClusterConnection({
      urls: ['amqp://guest:guest@127.0.0.1:5672/no-such-vhost'],
      healthIntervalMs: 0,
    });
    const err = await conn.connect().then(
      () => undefined,
      (e: unknown) => e as TransportError,
    );
    await conn.close();
    expect(err?.recoverable).toBe(false);
    expect(err?.message).toMatch(/NOT.ALLOWED/);
  });

  it("one node refused, another unreachable: recoverable, with each node's last cause", async () => {
    const conn = new ClusterConnection({
      urls: ['amqp://guest:WRONGPW@127.0.0.1:5672', 'amqp://guest:guest@127.0.0.1:1'],
      healthIntervalMs: 0,
    });
    const err = await conn.connect().then(
      () => undefined,
      (e: unknown) => e as TransportError,
    );
    await conn.close();
    expect(err?.recoverable).toBe(true);
    expect(err?.message).toMatch(/no RabbitMQ node reachable/);
    expect(err?.message).toMatch(/ACCESS.REFUSED/);
    expect(err?.message).toMatch(/ECONNREFUSED/);
    expect(err?.message).not.toContain('WRONGPW');
  });

  it('a refused login is retried in the background at the longest backoff, not the shortest', async () => {
    const events: AmqpEvent[] = [];
    const conn = new ClusterConnection({
      urls: ['amqp://guest:WRONGPW@127.0.0.1:5672'],
      healthIntervalMs: 0,
      backoffInitialMs: 10,
      backoffMaxMs: 2000,
      onEvent: (e) => events.push(e),
    });
    await conn.connect().catch(() => {});
    await conn.close();
    const scheduled = events.find((e) => e.type === 'reconnect-scheduled');
    expect(scheduled).toMatchObject({
      type: 'reconnect-scheduled',
      error: expect.stringMatching(/ACCESS.REFUSED/),
    });
    // Jitter takes at most half off.
    expect((scheduled as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(1000);
  });
});
