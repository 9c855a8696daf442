import { defineConfig } from '@warren/core';
import { captureLines, createLogger } from '@warren/observability';
import { describe, expect, it } from 'vitest';
import { createRuntime } from './create-runtime';
import { logBrokerEvents } from './log-broker-events';

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('logBrokerEvents', () => {
  it('warns on connection trouble and says when connected, without credentials', async () => {
    const { lines, stream } = captureLines();
    const sink = logBrokerEvents(createLogger({ stream }), 'eu');
    sink({ type: 'connect-failed', node: 'amqp://u:***@h1', error: 'amqp://u:pw@h1: ECONNREFUSED' });
    sink({ type: 'disconnected', node: 'amqp://u:***@h1', error: 'heartbeat timeout' });
    sink({ type: 'reconnect-scheduled', delayMs: 500, attempt: 2 });
    sink({ type: 'connected', node: 'amqp://u:***@h2', ms: 12 });
    sink({ type: 'confirm', queue: 'q', ms: 1 }); // per publish: not a log line
    await settle();
    expect(lines.map((l) => [l.level, l.event, l.region])).toEqual([
      ['warn', 'connect-failed', 'eu'],
      ['warn', 'disconnected', 'eu'],
      ['warn', 'reconnect-scheduled', 'eu'],
      ['info', 'connected', 'eu'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('pw');
    expect(lines[0]).toMatchObject({ error: expect.stringContaining('ECONNREFUSED') });
  });

  it('warns when the broker closes a consumer or refuses a queue declaration', async () => {
    const { lines, stream } = captureLines();
    const sink = logBrokerEvents(createLogger({ stream }), 'eu');
    const timedOut =
      'Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - delivery acknowledgement on channel 2 timed out. Timeout value used: 1800000 ms."';
    sink({ type: 'consumer-error', queue: 'emails', error: timedOut });
    sink({ type: 'topology-error', queue: 'emails', error: 'PRECONDITION_FAILED - inequivalent arg' });
    sink({ type: 'delay-hop', queue: 'emails', tierMs: 1000 }); // per message: not a log line
    await settle();
    expect(lines.map((l) => [l.level, l.event, l.queue])).toEqual([
      ['warn', 'consumer-error', 'emails'],
      ['warn', 'topology-error', 'emails'],
    ]);
    expect(lines[0]).toMatchObject({ error: timedOut, region: 'eu' });
  });

  it('createRuntime logs why the broker could not be reached', async () => {
    const { lines, stream } = captureLines();
    const config = defineConfig({ tasks: [] });
    await expect(
      createRuntime(
        config,
        { RABBITMQ_URL: 'amqp://guest:secret1@127.0.0.1:1', REDIS_URL: 'redis://127.0.0.1:6379' },
        { logger: createLogger({ stream }) },
      ),
    ).rejects.toThrow();
    await settle();
    const failed = lines.find((l) => l.event === 'connect-failed');
    expect(failed).toMatchObject({ level: 'warn', region: config.region });
    expect(String(failed?.error)).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(lines)).not.toContain('secret1');
  });
});
