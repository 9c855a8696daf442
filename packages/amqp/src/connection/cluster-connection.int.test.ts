import type { ChannelModel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { ClusterConnection } from './cluster-connection';

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
});
