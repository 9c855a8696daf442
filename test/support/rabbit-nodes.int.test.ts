import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isListening } from './ports';
import { RabbitHarness } from './rabbit-nodes';

describe('extra RabbitMQ node harness', () => {
  const h = new RabbitHarness();
  beforeAll(async () => {
    await h.start([{ name: 'warren-harness-a', port: 25672 + 100 }]);
  });
  afterAll(() => h.stopAll());

  it('starts a node that answers rabbitmqctl, erl_call and AMQP, and stops it', async () => {
    const [a] = h.nodes;
    expect(await a!.ctl('status')).toMatch(/RabbitMQ version/);
    expect(await a!.erl('node()')).toBe(`'${a!.node}'`);
    await expect(a!.erl('no_such_module:f()')).rejects.toThrow(/undef/);
    expect(await isListening(a!.port)).toBe(true);
    expect(a!.pid()).toBeGreaterThan(0);
    await a!.stop();
    expect(await isListening(a!.port)).toBe(false);
    // No node to connect to: tried again (erl-call.ts), then the connection's error, not a hang.
    await expect(a!.erl('node()')).rejects.toThrow(/failed to connect/);
  });
});
