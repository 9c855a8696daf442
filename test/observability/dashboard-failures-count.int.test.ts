import { defineConfig } from '@warren/core';
import { makeJob } from '@warren/core/testing';
import { expect, it } from 'vitest';
import { exampleTasks } from '../../examples/tasks';
import { servedInBrowser } from './browser-stack';

const config = defineConfig({ tasks: exampleTasks });
const stack = servedInBrowser(config);
const { obs } = stack;

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
  const page = await stack.browser.newPage();
  try {
    await page.goto(`${stack.base}/dashboard`);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 10_000 });
    expect(await page.locator('#failures tbody tr').count()).toBe(12);
    expect(await page.locator('#n-failures').textContent()).toBe('12 of 30');
  } finally {
    await page.close();
  }
});
