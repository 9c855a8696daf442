import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const SCRIPT = `import { createLogger } from './packages/observability/src/index.ts';
const log = createLogger({ name: 'broken-pipe' });
log.info('one');
log.info('two'); // behind 'one', whose write is under way: left for the flush at exit
process.exit(0);`;
let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL'); // it hung (the test timed out)
});

// `warren dev | head -3`, or a log shipper that died: stdout a pipe without a reader. At exit
// pino flushes its async destination with sonic-boom 4's flushSync, which retried the failed
// write (EPIPE) every 100 ms for ever: the process never exited, and no signal could stop it
// (its handlers never ran again): a warren dev or worker stayed behind after its shutdown.
describe('a logger on stdout whose reader is gone', () => {
  it('lets the process exit, its unwritable lines dropped', async () => {
    const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    c.stdout.destroy(); // the reader gone before the first line (tsx takes far longer to start)
    let err = '';
    c.stderr.on('data', (b: Buffer) => {
      err += b;
    });
    const code = await new Promise<number | null>((done) => c.once('exit', done));
    expect(code, err).toBe(0);
  }, 60_000);
});
