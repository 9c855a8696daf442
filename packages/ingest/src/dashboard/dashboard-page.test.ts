import { describe, expect, it } from 'vitest';
import { dashboardPage } from './dashboard-page';

describe('dashboardPage', () => {
  const { html } = dashboardPage();

  it('is one self-contained page that polls status.json next to it', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain("fetch('status.json'");
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=["']https?:/); // no external assets
    for (const id of ['regions', 'queues', 'links', 'failures']) expect(html).toContain(`id="${id}"`);
  });

  it('follows the light/dark preference and never injects status text as markup', () => {
    expect(html).toContain('prefers-color-scheme: dark');
    expect(html).not.toContain('innerHTML');
    expect(html).toContain('createTextNode');
  });
});
