import { defineConfig, defineTask } from '@warren/core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { servedInBrowser } from './browser-stack';

// Valid queue names (^[a-zA-Z0-9][a-zA-Z0-9._:-]*$) that are also members of every plain object.
const NAMES = ['constructor', 'toString', 'hasOwnProperty'];

describe('dashboard with queues named like Object.prototype members (real browser)', () => {
  const config = defineConfig({
    tasks: NAMES.map((q) => defineTask({ name: `t.${q}`, queue: q, input: z.unknown(), handler: () => 1 })),
    queues: Object.fromEntries(NAMES.map((q) => [q, {}])),
  });
  const stack = servedInBrowser(config);
  const { producer } = stack;

  it('draws every queue card with its depth', async () => {
    for (const q of NAMES) await producer.enqueue({ task: `t.${q}`, input: {} });
    const page = await stack.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${stack.base}/dashboard`);
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
