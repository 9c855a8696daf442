import { spawn } from 'node:child_process';
import { uuidv7 } from '@warren/core';
import { eventually } from '@warren/core/testing';
import { expect, it } from 'vitest';
import { AMQP_URL } from '../ingest/support';
import { freePort, waitForPort } from '../support/ports';
import { parseProm, sample } from './prom-text';

// A link whose source queue does not exist (a region where a queue homed elsewhere never got a
// job: the usual state there) has nothing to forward. Its log says so once, at info, yet on
// /metrics it looked like a failing link: state backoff (running 0, which the README said to alert
// on) and warren_forwarder_restarts_total climbing at every retry (up to every 15 s, for ever),
// so the alerts fired for a healthy deployment.
it('warren forward: a link whose source queue does not exist is idle, not restarting', async () => {
  const q = `obs-fwd-missing-${uuidv7().slice(-8)}`; // never declared
  const port = await freePort();
  const args = ['forward', '--from', AMQP_URL, '--queue', q, '--to', AMQP_URL, '--to-queue', `${q}-dst`];
  const p = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args, '--metrics-port', String(port)], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  try {
    await waitForPort(port, 20_000, 'warren forward');
    const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // Retried after ~0.25, 0.5, 1, 2 s (backoff with jitter): several retries within 5 s.
    await new Promise((r) => setTimeout(r, 5_000));
    const text = await eventually(async () => {
      const t = await metrics();
      return sample(t, 'warren_forwarder_link_state', { state: 'idle' }) === 1 ? t : undefined;
    }, 3_000).catch(metrics);
    const states = parseProm(text).filter((s) => s.name === 'warren_forwarder_link_state' && s.value === 1);
    expect(states.map((s) => s.labels.state)).toEqual(['idle']);
    expect(sample(text, 'warren_forwarder_restarts_total')).toBeLessThanOrEqual(1);
    const status = await (await fetch(`http://127.0.0.1:${port}/status.json`)).json();
    expect(status.links[0].state).toBe('idle');
  } finally {
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
  }
}, 40_000);
