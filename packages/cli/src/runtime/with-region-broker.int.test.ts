import net from 'node:net';
import { defineConfig } from '@warren/core';
import { afterEach, expect, it, vi } from 'vitest';
import { withRegionBroker } from './with-region-broker';

afterEach(() => vi.restoreAllMocks());

// The operator commands' broker (warren dlq, warren parked) turns Nagle off: a replay acks a letter
// and then publishes its job on one connection, and with Nagle each publish waited ~40 ms for the
// ack's delayed TCP ACK (1,000 letters: 59 s, 13 s without). The job paths keep amqplib's default.
it("the operator commands' RabbitMQ connections have TCP_NODELAY (shared node)", async () => {
  const calls = vi.spyOn(net.Socket.prototype, 'setNoDelay');
  const config = defineConfig({ tasks: [] });
  const env = { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672' };
  await withRegionBroker('test', config, env, '', async (broker) => {
    await broker.checkQueue('default').catch(() => undefined); // the connection is up
  });
  // Each socket's last word (amqplib's own call comes after connect).
  const last = new Map<unknown, boolean>();
  for (const [i, [on]] of calls.mock.calls.entries()) last.set(calls.mock.contexts[i], on ?? true);
  expect(last.size).toBeGreaterThan(0);
  expect([...last.values()].every((on) => on)).toBe(true);
});
