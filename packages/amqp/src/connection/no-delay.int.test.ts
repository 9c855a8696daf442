import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openConnection } from './open-connection';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';

/** The last setNoDelay on the socket of a connection opened with `noDelay` (amqplib's own call comes after connect). */
async function lastNoDelay(noDelay?: boolean): Promise<boolean | undefined> {
  const calls = vi.spyOn(net.Socket.prototype, 'setNoDelay');
  const model = await openConnection(AMQP, { heartbeatS: 10, timeoutMs: 5000, noDelay });
  try {
    const socket = (model as unknown as { connection: { stream: net.Socket } }).connection.stream;
    const onIt = calls.mock.calls.filter((_, i) => calls.mock.contexts[i] === socket);
    expect(onIt.length).toBeGreaterThan(0);
    return onIt.at(-1)?.[0];
  } finally {
    await model.close();
  }
}

/**
 * Nagle's algorithm: off where a frame the broker never answers (a basic.ack) is followed by one
 * that waits for it (`warren dlq replay` acks each letter, then publishes the next job on the same
 * connection: ~48 ms per letter with Nagle, ~6 ms without); on for the job paths, whose frames
 * flow both ways (off, end to end throughput fell a fifth: see OpenOptions.noDelay).
 */
describe('the AMQP sockets warren opens (shared node)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('have Nagle on by default, as amqplib leaves it', async () => {
    expect(await lastNoDelay()).toBe(false);
  });

  it('have Nagle off (TCP_NODELAY) when asked, as the CLI dead-letter tools and the forwarder ask', async () => {
    expect(await lastNoDelay(true)).toBe(true);
  });
});
