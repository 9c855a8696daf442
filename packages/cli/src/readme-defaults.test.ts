import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_QUEUE, defineConfig, defineTask } from '@warren/core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The README's "Defaults:" paragraph, whitespace folded (it wraps anywhere). */
function defaultsParagraph(): string {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('\nDefaults: ');
  expect(at, 'README has a "Defaults:" paragraph').toBeGreaterThan(0);
  return readme.slice(at, readme.indexOf('\n\n', at + 1)).replace(/\s+/g, ' ');
}

const seconds = (ms: number) => (ms > 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);

describe('README defaults', () => {
  it('names what a task and a config get when they set nothing', () => {
    const text = defaultsParagraph();
    const task = defineTask({ name: 'fx.defaults', input: z.unknown(), handler: () => 1 });
    const config = defineConfig({ tasks: [task] });
    const { backoff } = task.retry;
    expect(backoff.kind).toBe('exponential');
    expect(backoff.jitter).toBe(true);
    expect(task.queue).toBe(DEFAULT_QUEUE);
    expect(text).toContain(`queue \`${task.queue}\` with ${task.retry.maxAttempts} attempts`);
    expect(text).toContain(`from ${seconds(backoff.baseMs)} up to ${seconds(backoff.maxMs)}`);
    expect(text).toContain(`a ${seconds(task.timeoutMs)} timeout`);
    expect(text).toContain(`lives ${config.results.ttlS / 3600} h after its last write`);
    expect(text).toContain(`runs ${config.worker.concurrency} jobs at once`);
    expect(text).toContain(
      `finish for ${seconds(config.worker.shutdownTimeoutMs)} (\`worker.shutdownTimeoutMs\`)`,
    );
    expect(text).toContain(`up to ${config.ingest.bodyLimitBytes / 1024} KiB`);
    expect(text).toContain(`gives each region ${seconds(config.ingest.publishTimeoutMs)} to confirm`);
    expect(text).toContain(`timeout plus ${seconds(config.worker.leaseMarginMs)} (\`worker.leaseMarginMs\``);
  });

  it("names worker.unknownTaskGraceMs's default where it describes the unknown-task hand-back", () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const config = defineConfig({ tasks: [] });
    const said = /`worker\.unknownTaskGraceMs` \([^)]*\) until [^;]*; default (\d+) min/.exec(readme);
    expect(said, 'README describes the grace and its default').not.toBeNull();
    expect(Number(said![1]) * 60_000).toBe(config.worker.unknownTaskGraceMs);
  });
});
