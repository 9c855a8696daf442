import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openConnection } from './open-connection';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';

/**
 * amqplib turns Nagle's algorithm on (setNoDelay(false)) unless told otherwise. A small frame sent
 * while an earlier one the broker never answers is unacknowledged (a basic.ack: `warren dlq replay`
 * acks each letter, then publishes the next job on the same connection) then waits for the
 * broker's delayed TCP ACK: measured ~48 ms per replayed letter instead of ~6 ms.
 */
describe('the AMQP sockets warren opens (shared node)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('have Nagle off (TCP_NODELAY), as the forwarder, py-amqp and the Java client set it', async () => {
    const calls = vi.spyOn(net.Socket.prototype, 'setNoDelay');
    const model = await openConnection(AMQP, { heartbeatS: 10, timeoutMs: 5000 });
    try {
      const socket = (model as unknown as { connection: { stream: net.Socket } }).connection.stream;
      const onIt = calls.mock.calls.filter((_, i) => calls.mock.contexts[i] === socket);
      expect(onIt.length).toBeGreaterThan(0);
      // The last word on this socket (amqplib's own call comes after connect).
      expect(onIt.at(-1)?.[0]).toBe(true);
    } finally {
      await model.close();
    }
  });
});
