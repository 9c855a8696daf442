import type { Context } from 'hono';

export interface StaticPage {
  html: string;
  /** The exact text of each inline `<script>` and `<style>`: the only ones the browser may run. */
  scripts: readonly string[];
  styles: readonly string[];
}

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}

/**
 * The headers of an HTML page the ingest serves (/dashboard, /docs). Both show text from
 * elsewhere (error messages, schema descriptions): the CSP runs only the page's own inline script
 * and style (by hash), so markup slipping through one day could not run script, load anything,
 * or send data but to this origin. Not framable (clickjacking the key form), not sniffable.
 */
export async function pageHeaders(page: Omit<StaticPage, 'html'>): Promise<Record<string, string>> {
  const [scripts, styles] = await Promise.all([
    Promise.all(page.scripts.map(sha256)),
    Promise.all(page.styles.map(sha256)),
  ]);
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.join(' ') || "'none'"}`,
    `style-src ${styles.join(' ') || "'none'"}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * A GET handler for a page built once: its HTML and headers (hashes computed on first use). `build`
 * may load the page's module with import(), so a process that never serves it never loads it.
 */
export function servePage(build: () => StaticPage | Promise<StaticPage>) {
  let ready: Promise<{ html: string; headers: Record<string, string> }> | undefined;
  return async (c: Context) => {
    ready ??= (async () => {
      const page = await build();
      return { html: page.html, headers: await pageHeaders(page) };
    })().catch((err) => {
      ready = undefined; // not a page broken for good
      throw err;
    });
    const { html, headers } = await ready;
    return c.html(html, 200, headers);
  };
}
