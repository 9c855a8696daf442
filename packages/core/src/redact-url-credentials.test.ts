import { expect, it } from 'vitest';
import { redactUrlCredentials } from './redact-url-credentials';

// Every log line goes through this (observability's logger), and a job's error text may quote its
// input: text shaped against the pattern made the unbounded one backtrack quadratically, 2.4 s for
// one 64 KB line of 'a-' (0.7 s at 32 KB; ~20 ms per 8 KB 'job failed' line), the event loop held.
it('redacts a hostile 64 KB line in linear time (the bound is 100x the fixed pattern)', () => {
  for (const unit of ['a-', 'a://:', 'xxx://u:']) {
    const line = unit.repeat(65_536 / unit.length);
    const t0 = performance.now();
    redactUrlCredentials(line);
    expect(performance.now() - t0).toBeLessThan(1_000);
  }
});

it('still redacts a password of up to 1,024 characters, and long schemes and user names', () => {
  const pw = 'p@'.repeat(512);
  expect(redactUrlCredentials(`amqp://u:${pw}@broker:5672`)).toBe('amqp://u:[Redacted]@broker:5672');
  expect(redactUrlCredentials(`x${'y'.repeat(60)}://${'u'.repeat(200)}:secret@h`)).toBe(
    `x${'y'.repeat(60)}://${'u'.repeat(200)}:[Redacted]@h`,
  );
});
