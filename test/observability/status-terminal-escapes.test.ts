import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { defineConfig } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createLogger, createObservability, serveStatus } from '@warren/observability';
import { expect, it } from 'vitest';

const run = (args: string[]): Promise<string> =>
  new Promise((resolve) => {
    const p = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], {
      env: { ...process.env, NO_COLOR: '1', WARREN_API_KEY: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.on('close', () => resolve(out));
  });

// A job's error message is the task's (often quoting the input it choked on) and reached the
// operator's terminal as it was: an escape sequence in it could clear the screen, retitle the
// window or rewrite what `warren status --watch` showed, and a newline broke the table.
it('warren status prints control characters in a job error as visible text, one row per failure', async () => {
  const obs = createObservability({
    config: defineConfig({ tasks: [] }),
    logger: createLogger({ level: 'silent' }),
  });
  const job = makeJob({ task: 'demo.add' });
  obs.executorEvents({ type: 'started', job, attempt: 1 });
  obs.executorEvents({
    type: 'failed',
    job,
    attempt: 1,
    error: {
      type: 'Error\x1b[2J',
      message: 'bad key "\x1b]0;owned\x07"\nsecond line\r\x1b[31mred',
      retryable: false,
    },
    reason: 'non-retriable error',
  });
  const server = await serveStatus(obs, 0, '127.0.0.1');
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out = await run(['status', '--url', url]);
    expect(out).toContain('RECENT FAILURES');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    const row = out.split('\n').find((l) => l.includes(job.id))!;
    expect(row).toContain('bad key');
    expect(row).toContain('second line');
  } finally {
    await new Promise((r) => server.close(r));
  }
});
