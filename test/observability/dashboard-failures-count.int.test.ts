import type { ServerType } from '@hono/node-server';
import { createProducer, defineConfig, MemoryBroker, MemoryResultStore } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createLogger, createObservability, queueStatsFrom } from '@warren/observability';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exampleTasks } from '../../examples/tasks';
import { launchChromium, portInRange } from './browser';

const config = defineConfig({ tasks: exampleTasks });
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

// The heading counted every failure status.json lists (up to 50) above a table of the newest 12:
// 'Recent failures 30' over 12 rows.
it('says how many of the recent failures its table shows', async () => {
  for (let i = 0; i < 30; i++)
    obs.executorEvents({
      type: 'failed',
      job: makeJob({ task: 'demo.fail' }),
      attempt: 3,
      reason: `boom ${i}`,
    });
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/dashboard`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
    expect(await page.locator('#failures tbody tr').count()).toBe(12);
    expect(await page.locator('#n-failures').textContent()).toBe('12 of 30');
  } finally {
    await page.close();
  }
});
