import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { defineConfig, defineTask } from '@warren/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startNodeIngest } from './support';

// Names this file's queues and keys apart from other files' (files share a worker process).
const FILE_ID = randomInt(2 ** 22);
const ROOT = resolve(import.meta.dirname, '../..');

/**
 * `warren enqueue <task> -` reads the input from stdin. As an argument, an input over 128 KiB
 * cannot be passed at all (Linux refuses one argument over MAX_ARG_STRLEN: E2BIG, 'Argument list
 * too long'), though the ingest takes bodies up to 256 KiB. The real CLI against the Node ingest
 * over real RabbitMQ (:5672) and Redis (:6379).
 */
const RUN = `ces${FILE_ID}${Date.now() % 100_000}`;
const QUEUE = `${RUN}-q`;
const config = defineConfig({
  queues: { [QUEUE]: {} },
  tasks: [defineTask({ name: 'ces.echo', queue: QUEUE, input: z.unknown(), handler: (x) => x })],
});

function warren(
  args: string[],
  stdin: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['WARREN_CONFIG', 'WARREN_API_KEY', 'WARREN_URL']) delete env[k];
  const child = spawn(process.execPath, ['packages/cli/bin/warren.js', ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => (stderr += b));
  child.stdin.end(stdin);
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })));
}

describe('warren enqueue: the input from stdin', () => {
  let ingest: Awaited<ReturnType<typeof startNodeIngest>>;
  beforeAll(async () => {
    ingest = await startNodeIngest(config, RUN, QUEUE);
  }, 60_000);
  afterAll(async () => ingest?.close());

  it('- reads a 200 KB input from stdin; the job carries it as sent', async () => {
    const input = { text: `é${'x'.repeat(200_000)}😀` };
    const r = await warren(['enqueue', 'ces.echo', '-', '--url', ingest.url], JSON.stringify(input));
    expect(r.code, r.stderr).toBe(0);
    const { id } = JSON.parse(r.stdout) as { id: string };
    expect((await ingest.results.get(id))?.input).toEqual(input);
  }, 30_000);

  it('input on stdin that is not JSON is a usage error (exit 2) naming stdin', async () => {
    const r = await warren(['enqueue', 'ces.echo', '-', '--url', ingest.url], '{nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/input \(stdin\) is not JSON/);
  }, 30_000);
});
