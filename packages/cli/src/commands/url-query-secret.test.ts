import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');

/** A port nothing listens on: bound, then released. */
const closedPort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  );

// A gateway token in the ingest URL's query (?token=, ?apikey=) is a credential like a password:
// the SDK leaves the query out of its messages, the CLI printed the whole URL on each failure.
describe.concurrent('warren enqueue / status failures do not print the URL query', () => {
  it.each([
    ['enqueue', ['enqueue', 'demo.add', '{}']],
    ['status', ['status']],
  ])('%s', async (_, args) => {
    const url = `http://127.0.0.1:${await closedPort()}/?token=h80-query-secret&region=eu`;
    const { code, stderr } = await run([...args, '--url', url]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:\d+\/(status\.json)?\?token=\*\*\*&region=\*\*\*: /,
    );
    expect(stderr).not.toContain('h80-query-secret');
  });
});
