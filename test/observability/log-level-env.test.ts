import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

// LOG_LEVEL=verbose (a level of other loggers, or a typo) stopped every command with pino's
// "default level:verbose must be included in custom levels": nothing named the variable or the
// values it takes. The README says another value stops the process at start; it now says why.
it('warren dev with LOG_LEVEL=verbose stops at start naming LOG_LEVEL and the levels it takes', async () => {
  const p = spawn(process.execPath, ['packages/cli/bin/warren.js', 'dev', '--port', '18953'], {
    env: { ...process.env, LOG_LEVEL: 'verbose', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  p.stderr.on('data', (b) => (err += b));
  // Were it to start anyway, it must not outlive the test.
  const guard = setTimeout(() => p.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((r) => p.on('close', r));
  clearTimeout(guard);
  expect(code).toBe(1);
  expect(err).toContain(
    'LOG_LEVEL=verbose is not a log level: use fatal, error, warn, info, debug, trace or silent',
  );
  expect(err).not.toContain('custom levels');
});
