import { afterEach, describe, expect, it } from 'vitest';
import { type AmqpFrameProxy, silentAfterHandshake, startAmqpFrameProxy } from '../testing/amqp-frame-proxy';
import { probeNode } from './health-check';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A frame proxy in front of the shared node: the handshake completes, then nothing is answered. */
describe('health checks of a node that went silent after the handshake', () => {
  let proxy: AmqpFrameProxy;
  afterEach(async () => {
    await proxy?.close();
  });

  it('fail within their timeout and leave no connection open behind them', async () => {
    proxy = await startAmqpFrameProxy();
    silentAfterHandshake(proxy);
    for (let i = 0; i < 4; i++) {
      const r = await probeNode(proxy.url, { heartbeatS: 10, timeoutMs: 300 });
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/timed out/);
    }
    // The close goes unanswered too: the socket is destroyed once the close times out.
    await sleep(600);
    // Before: 4 (heartbeats kept every unanswered probe's connection open, one more per check:
    // every 10 s by default, to the node least able to bear it).
    expect(proxy.open()).toBe(0);
  });

  it('a node that answers: ok, its connection closed', async () => {
    proxy = await startAmqpFrameProxy();
    const r = await probeNode(proxy.url, { heartbeatS: 10, timeoutMs: 2000 });
    expect(r.ok).toBe(true);
    await sleep(200);
    expect(proxy.open()).toBe(0);
  });
});
