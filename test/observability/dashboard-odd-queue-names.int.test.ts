import type { ServerType } from '@hono/node-server';
import { createProducer, defineConfig, defineTask, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createLogger, createObservability, queueStatsFrom } from '@warren/observability';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { launchChromium, portInRange } from './browser';

// Valid queue names (^[a-zA-Z0-9][a-zA-Z0-9._:-]*$) that are also members of every plain object.
const NAMES = ['constructor', 'toString', 'hasOwnProperty'];

describe('dashboard with queues named like Object.prototype members (real browser)', () => {
  const config = defineConfig({
    tasks: NAMES.map((q) => defineTask({ name: `t.${q}`, queue: q, input: z.unknown(), handler: () => 1 })),
    queues: Object.fromEntries(NAMES.map((q) => [q, {}])),
  });
  const broker = new MemoryBroker();
  const obs = createObservability({
    config,
    logger: createLogger({ level: 'silent' }),
    queueStats: queueStatsFrom(broker),
  });
  const results = new MemoryResultStore();
  const producer = createProducer({ config, publishers: new Map([['local', broker]]), results });
  const app = createIngestApp({ config, producer, results, extend: obs.extend });
  let browser: Browser;
  let server: ServerType;
  let base: string;

  beforeAll(async () => {
    const port = await portInRange();
    base = `http://127.0.0.1:${port}`;
    [browser, server] = await Promise.all([launchChromium(), serveNode(app, port, '127.0.0.1')]);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await broker.close();
  });

  it('draws every queue card with its depth', async () => {
    for (const q of NAMES) await producer.enqueue({ task: `t.${q}`, input: {} });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${base}/dashboard`);
      // Before: each poll threw in render ('(depthHistory[q.name] || []).concat is not a function'):
      // the banner said the status endpoint could not be reached and no queue was ever drawn.
      await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
      for (const q of NAMES)
        expect(
          await page
            .locator(`[data-queue="${q}"] [data-depth]`)
            .getAttribute('data-depth', { timeout: 1000 }),
        ).toBe('1');
      expect(await page.locator('#banner.show').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
