import { defineConfig } from '@warren/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { exampleTasks } from '../../examples/tasks';
import { servedInBrowser } from './browser-stack';

const KEY = 'page-csp-key-0123456789';

/** Records the page's CSP violations in window.__csp (before any of its script runs). */
const watchCsp = (page: Page) =>
  page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(e.violatedDirective));
  });

/** Markup arriving where a page writes HTML: does its handler run? */
const injectionRuns = (page: Page) =>
  page.evaluate(async () => {
    const w = window as unknown as { __ran?: boolean };
    const div = document.createElement('div');
    div.innerHTML = '<img src="data:," onload="window.__ran = true" onerror="window.__ran = true">';
    document.body.append(div);
    await new Promise((r) => setTimeout(r, 300));
    return w.__ran === true;
  });

describe('/dashboard and /docs headers (real browser)', () => {
  const config = defineConfig({ tasks: exampleTasks, auth: { keys: [{ key: KEY }] } });
  const stack = servedInBrowser(config);

  it('run their own script and style only, and refuse framing and sniffing', async () => {
    for (const path of ['/dashboard', '/docs']) {
      const res = await fetch(`${stack.base}${path}`);
      expect(res.headers.get('content-security-policy')).toMatch(
        /default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+';.*frame-ancestors 'none'/,
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    const page = await stack.browser.newPage();
    try {
      await watchCsp(page);
      // The page's own script and style still run under the policy: the key form, the status.
      await page.goto(`${stack.base}/dashboard`);
      await page.waitForSelector('#keyform', { state: 'visible', timeout: 10_000 });
      await page.fill('#key', KEY);
      await page.press('#key', 'Enter');
      await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
      expect(await page.locator('[data-queue="default"]').count()).toBe(1);
      expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
      expect(await injectionRuns(page)).toBe(false);

      await page.goto(`${stack.base}/docs`);
      await page.waitForSelector('text=demo.add', { timeout: 10_000 });
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('header')!).color)).toBe(
        'rgb(255, 255, 255)',
      );
      expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
      expect(await injectionRuns(page)).toBe(false);
    } finally {
      await page.close();
    }
  });
});
