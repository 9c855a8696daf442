import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('a run whose output reader goes away cleans up and exits 141, not an EPIPE crash', async () => {
  const child = spawn('npx', ['tsx', join(__dirname, 'fixtures/write-until-closed.ts')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // The reader goes away after the first output, as `npm run bench | head -1` does.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(stderr).toContain('cleanup ran');
  expect(stderr).not.toContain('EPIPE');
  expect(code).toBe(141);
}, 30_000);
