import type { ServerType } from '@hono/node-server';
import { createProducer, MemoryBroker, MemoryResultStore, type WarrenConfig } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createLogger, createObservability, queueStatsFrom } from '@warren/observability';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, portInRange } from './browser';

/**
 * The embedded ingest with observability (/dashboard, /status.json) for `config`, on the in-memory
 * broker and store, served on a port of this folder's range, and headless Chromium beside it: both
 * started in beforeAll, stopped in afterAll. Read `browser` and `base` inside hooks and tests.
 */
export function servedInBrowser(config: WarrenConfig) {
  const broker = new MemoryBroker();
  const obs = createObservability({
    config,
    logger: createLogger({ level: 'silent' }),
    queueStats: queueStatsFrom(broker),
  });
  const results = new MemoryResultStore();
  const producer = createProducer({ config, publishers: new Map([['local', broker]]), results });
  const app = createIngestApp({ config, producer, results, extend: obs.extend });
  let browser: Browser | undefined;
  let server: ServerType | undefined;
  let base = '';
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
  return {
    broker,
    obs,
    results,
    producer,
    get browser(): Browser {
      if (!browser) throw new Error('servedInBrowser: the browser starts in beforeAll');
      return browser;
    },
    get base(): string {
      return base;
    },
  };
}
