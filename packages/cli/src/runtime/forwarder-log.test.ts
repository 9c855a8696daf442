import { adHocLink, createForwarder } from '@warren/forwarder';
import { captureLines, createLogger } from '@warren/observability';
import { describe, expect, it } from 'vitest';
import { forwarderLog } from './forwarder-log';

describe('forwarderLog', () => {
  it('logs a failing link and its restarts at warn', async () => {
    const { lines, stream } = captureLines();
    const link = adHocLink({
      from: ['amqp://guest:guest@127.0.0.1:1'],
      queue: 'fx-cli-src',
      to: ['amqp://127.0.0.1:2'], // nothing listens on either port
    });
    const fwd = createForwarder([{ ...link, backoffBaseMs: 20, backoffMaxMs: 50 }], {
      log: forwarderLog(createLogger({ stream })),
    });
    fwd.start();
    try {
      await expect
        .poll(() => lines.find((l) => /restarting in/.test(String(l.msg))), { timeout: 10_000 })
        .toBeTruthy();
    } finally {
      await fwd.stop(100);
    }
    const restart = lines.find((l) => /restarting in/.test(String(l.msg)))!;
    expect(restart.level).toBe('warn');
    expect(JSON.stringify(lines)).not.toContain('guest:guest');
  });

  it('keeps routine link messages at info', () => {
    const { lines, stream } = captureLines();
    const log = forwarderLog(createLogger({ stream }));
    log('link a: running q → amqp://h/q');
    log('link a: standby: another consumer is active; retrying every 2000 ms');
    return new Promise<void>((r) => setTimeout(r, 10)).then(() =>
      expect(lines.map((l) => l.level)).toEqual(['info', 'info']),
    );
  });
});
