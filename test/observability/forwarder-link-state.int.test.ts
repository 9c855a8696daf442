import { spawn } from 'node:child_process';
import { uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import amqp from 'amqplib';
import { expect, it } from 'vitest';
import { AMQP_URL } from '../ingest/support';
import { freePort, waitForPort } from '../support/ports';
import { parseProm, sample } from './prom-text';

// A link that cannot run (destination unreachable) reported warren_forwarder_lag_messages 0 while
// its source queue filled up: the lag was never measured (it is probed only while the link runs)
// and the wiring filled the gap with 0; a link that stopped running kept its last figure. And no
// metric said the link was down, so an alert on lag (or on anything) stayed quiet.
it('warren forward: a link that cannot run shows its state, and no made-up lag', async () => {
  const q = `obs-fwd-${uuidv7().slice(-8)}`;
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createChannel();
  await ch.assertQueue(q, { durable: true });
  for (let i = 0; i < 10; i++) ch.sendToQueue(q, Buffer.from(JSON.stringify({ i })));
  const port = await freePort();
  const args = ['forward', '--from', AMQP_URL, '--queue', q, '--to', 'amqp://guest:guest@127.0.0.1:1'];
  const p = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args, '--metrics-port', String(port)], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    await waitForPort(port, 20_000, 'warren forward');
    const text = await eventually(async () => {
      const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return (sample(t, 'warren_forwarder_restarts_total') ?? 0) >= 1 ? t : undefined;
    }, 15_000);
    expect(parseProm(text).filter((s) => s.name === 'warren_forwarder_lag_messages')).toEqual([]);
    expect(sample(text, 'warren_forwarder_link_state', { state: 'running' })).toBe(0);
    const states = parseProm(text).filter((s) => s.name === 'warren_forwarder_link_state' && s.value === 1);
    expect(states.map((s) => s.labels.state)).toHaveLength(1);
    expect(['backoff', 'starting']).toContain(states[0]!.labels.state);
    const status = await (await fetch(`http://127.0.0.1:${port}/status.json`)).json();
    expect(status.links[0].lag).toBeUndefined();
    expect((await ch.checkQueue(q)).messageCount).toBe(10);
  } finally {
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
    await ch.deleteQueue(q);
    await conn.close();
  }
}, 40_000);
