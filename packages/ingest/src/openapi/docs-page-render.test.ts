import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { testIngest } from '../testing-helpers';
import { docsPage } from './docs-page';

/** The /docs page's own script run on this app's /openapi.json: the HTML it puts in <main>. */
async function rendered(): Promise<string> {
  const { app } = testIngest();
  const doc: unknown = await (await app.request('/openapi.json')).json();
  const els: Record<string, { textContent?: string; innerHTML?: string }> = { desc: {}, ops: {} };
  runInNewContext(docsPage().scripts[0]!, {
    fetch: () => Promise.resolve({ json: () => Promise.resolve(doc) }),
    document: { getElementById: (id: string) => els[id] },
  });
  await new Promise((r) => setTimeout(r, 0));
  expect(els.ops!.innerHTML, 'the page rendered the document').toBeDefined();
  return els.ops!.innerHTML!;
}

/** One operation's block of the page: from its path to the next operation. */
const opBlock = (html: string, method: string, path: string) => {
  const at = html.indexOf(`>${method}</span><code>${path}</code>`);
  expect(at, `${method} ${path} on the page`).toBeGreaterThan(0);
  return html.slice(at, html.indexOf('<div class="op">', at));
};

describe('/docs (the API reference page)', () => {
  it("shows each operation's parameters, as /openapi.json describes them", async () => {
    const html = await rendered();
    const read = opBlock(html, 'GET', '/v1/jobs/{id}');
    expect(read).toContain('<code>wait</code>');
    expect(read).toContain('a bare number is seconds');
    const enqueue = opBlock(html, 'POST', '/v1/jobs');
    expect(enqueue).toContain('<code>Idempotency-Key</code>');
    expect(enqueue).toContain('printable ASCII without commas');
  });

  it('names the headers an answer carries (Retry-After on a 429 or 503, Idempotent-Replayed on a 200)', async () => {
    const enqueue = opBlock(await rendered(), 'POST', '/v1/jobs');
    expect(enqueue).toMatch(/429 Queue full[^<]*Retry-After/);
    expect(enqueue).toMatch(/503 [^<]*Retry-After/);
    expect(enqueue).toMatch(/200 [^<]*Idempotent-Replayed/);
  });
});
