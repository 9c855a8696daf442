import type { Server } from 'node:http';
import net from 'node:net';
import type { ServerType } from '@hono/node-server';
import { createProducer, defineConfig, MemoryBroker, MemoryResultStore } from '@warren/core';
import { createIngestApp, serveNode } from '@warren/ingest';
import { createLogger, createObservability, queueStatsFrom } from '@warren/observability';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleTasks } from '../../examples/tasks';
import { launchChromium, portInRange } from './browser';

const KEY = 'dash-poll-key-0123456789';
/** Printable ASCII, as keys may be: '%' that is no escape, '&'. */
const ODD_KEY = 'odd-key-100%zz&more=0123';

/** The dashboard's status.json requests from `page`, counted from now on. */
function countPolls(page: Page) {
  const polls = { n: 0 };
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/status.json') polls.n++;
  });
  return polls;
}

/** The page's clock (page.clock.install) `ms` forward, in steps with real time between for each poll. */
const runClock = (page: Page) => async (ms: number) => {
  for (let t = 0; t < ms; t += 250) {
    await page.clock.runFor(250);
    await page.waitForTimeout(60);
  }
};

describe('dashboard polling and its key (real browser, keyed ingest)', () => {
  const config = defineConfig({ tasks: exampleTasks, auth: { keys: [{ key: KEY }, { key: ODD_KEY }] } });
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
  let port: number;
  /** The ingest gone: listening no more, its kept-alive connections cut. */
  const stopServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as Server).closeAllConnections();
    });

  beforeAll(async () => {
    port = await portInRange();
    base = `http://127.0.0.1:${port}`;
    [browser, server] = await Promise.all([launchChromium(), serveNode(app, port, '127.0.0.1')]);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    await broker.close();
  });

  it('keeps one polling loop when the key form is submitted twice', async () => {
    const page = await browser.newPage();
    try {
      await page.clock.install();
      await page.goto(`${base}/dashboard`);
      await page.waitForSelector('#keyform', { state: 'visible', timeout: 10_000 });
      await page.fill('#key', KEY);
      // A double click (or Enter pressed twice): the second submit came while the first poll was out.
      await page.evaluate(() => {
        const form = document.getElementById('keyform')!;
        for (let i = 0; i < 3; i++) form.dispatchEvent(new Event('submit', { cancelable: true }));
      });
      await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
      const polls = countPolls(page);
      await runClock(page)(4500);
      // One loop polls every 1.5 s: at most 4 in 4.5 s. Each extra loop lived on (about 3 more each).
      expect(polls.n).toBeGreaterThan(0);
      expect(polls.n).toBeLessThanOrEqual(4);
    } finally {
      await page.close();
    }
  });

  it('backs off while the ingest is down, and comes back with it', async () => {
    const page = await browser.newPage();
    const run = runClock(page);
    try {
      await page.clock.install();
      await page.goto(`${base}/dashboard#key=${KEY}`);
      await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
      await stopServer();
      let polls: { n: number };
      try {
        await run(1750);
        await page.waitForSelector('#banner.show', { timeout: 5000 });
        polls = countPolls(page);
        await run(4500);
      } finally {
        server = await serveNode(app, port, '127.0.0.1');
      }
      // Every 1.5 s that was 3; backing off (3 s, then 6 s) it is 1 or 2.
      expect(polls.n).toBeLessThanOrEqual(2);
      expect(await page.locator('#banner-text').textContent()).toMatch(/trying again in \d+ s/);
      // The next try (at most 12 s on) finds the ingest back.
      for (let i = 0; i < 60 && (await page.locator('#banner.show').count()) > 0; i++) await run(250);
      expect(await page.locator('#banner.show').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('gives up on a poll with no answer and says so (the ingest hangs)', async () => {
    const page = await browser.newPage();
    const held: net.Socket[] = [];
    const silent = net.createServer((s) => held.push(s));
    try {
      await page.clock.install(); // the page's timers, run forward on demand
      await page.goto(`${base}/dashboard#key=${KEY}`);
      await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
      // A hung ingest: its port takes the connection and never answers.
      await stopServer();
      await new Promise<void>((r) => silent.listen(port, '127.0.0.1', r));
      await page.clock.runFor(1600); // the next poll goes out
      await expect.poll(() => held.length, { timeout: 5000 }).toBeGreaterThan(0);
      await page.clock.runFor(10_000);
      await page.waitForSelector('#banner.show', { timeout: 5000 });
      expect(await page.locator('#banner-text').textContent()).toContain('no answer within 10 s');
    } finally {
      await page.close();
      for (const s of held) s.destroy();
      await new Promise((r) => silent.close(r));
      server = await serveNode(app, port, '127.0.0.1');
    }
  });

  it('takes a key with % and & from #key= as pasted, says when a key is refused, and takes a new one from the address bar', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/dashboard#key=${ODD_KEY}`);
      await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
      expect(page.url()).toBe(`${base}/dashboard`); // the key leaves the address bar
      // A key the ingest refuses (revoked, mistyped) is named as such, not as no key at all.
      await page.reload();
      await page.evaluate(() => localStorage.setItem('warren.key', 'revoked-key-0123456789'));
      await page.reload();
      await page.waitForSelector('#keyform', { state: 'visible', timeout: 10_000 });
      expect(await page.locator('#banner-text').textContent()).toContain('refused the API key');
      // A #key= link opened over the open page (no reload): the key is taken, and leaves the bar.
      await page.evaluate((k) => {
        location.hash = `key=${k}`;
      }, KEY);
      await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
      expect(page.url()).toBe(`${base}/dashboard`);
    } finally {
      await page.close();
    }
  });
});
