import { eventually } from '@warren/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type AmqpFrameProxy, startAmqpFrameProxy } from '../testing/amqp-frame-proxy';
import { ClusterConnection } from './cluster-connection';
import { openConnection } from './open-connection';

const CONNECTION_OPEN_OK = { classId: 10, methodId: 41 };
const CONNECTION_CLOSE = { classId: 10, methodId: 50 };

/**
 * A connection that opens after nobody wants it any more (its connect timed out, or the cluster
 * connection was closed meanwhile) is closed at once; if its socket then drops before the close
 * is answered, amqplib emits 'error' on it. With no listener that is an uncaught exception: the
 * whole process (a worker, the ingest) exits. Vitest reports it as an unhandled error.
 */
describe('a connection that opens too late and is dropped while being closed (frame proxy, shared node)', () => {
  let proxy: AmqpFrameProxy | undefined;

  afterEach(async () => {
    await proxy?.close();
  });

  /** Holds the broker's connection.open-ok; cuts the socket when the client's close passes. */
  const lateThenCut = async () => {
    proxy = await startAmqpFrameProxy();
    const p = proxy;
    p.hold = (f) => f.from === 'server' && f.classId === CONNECTION_OPEN_OK.classId && f.methodId === 41;
    p.drop = (f) => {
      if (f.from === 'client' && f.classId === CONNECTION_CLOSE.classId && f.methodId === 50)
        setImmediate(() => p.cut());
      return false;
    };
    return p;
  };

  it('after its connect timed out (a slow handshake, a health probe): no crash', async () => {
    const p = await lateThenCut();
    await expect(openConnection(p.url, { heartbeatS: 10, timeoutMs: 300 })).rejects.toThrow(/timed out/);
    p.release(); // the open-ok comes late: the connection opens, is closed, and is cut
    await eventually(() => p.open() === 0, 5000, 20);
    await new Promise((r) => setTimeout(r, 100)); // the socket's 'end' has been handled
    expect(p.open()).toBe(0);
  });

  it('after the cluster connection was closed while it opened: no crash', async () => {
    const p = await lateThenCut();
    const conn = new ClusterConnection({ urls: [p.url], healthIntervalMs: 0, connectTimeoutMs: 1000 });
    const connecting = conn.connect().catch(() => {});
    await eventually(() => p.open() === 1, 5000, 20);
    await conn.close(); // the app stops while a (re)connect is under way
    p.release();
    await connecting;
    await eventually(() => p.open() === 0, 5000, 20);
    await new Promise((r) => setTimeout(r, 100));
    expect(conn.current()).toBeUndefined();
  });
});
