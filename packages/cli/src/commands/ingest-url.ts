import { redactUrl } from '@warren/core';

/**
 * The ingest URL of `warren status` / `warren enqueue`, refused before any request when fetch
 * could not use it: without http(s):// ('localhost:8787' reads as scheme localhost:) fetch said
 * only 'Invalid URL' or 'unknown scheme'; with user:password@ it refused the request in an error
 * quoting the whole URL, password included, which the CLI printed.
 */
export function ingestUrl(raw: string): string {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    // Not echoed when it may hold credentials: without a scheme they would not be masked.
    const got = raw.includes('@') ? '' : ` (got ${raw})`;
    throw new Error(
      `--url / WARREN_URL must be an http:// or https:// URL${got}, e.g. http://localhost:8787`,
    );
  }
  if (url.username || url.password)
    throw new Error(
      `--url / WARREN_URL: ${redactUrl(raw)} holds credentials, which fetch refuses: pass the API key with --api-key or WARREN_API_KEY`,
    );
  return raw;
}

/**
 * The ingest URL as messages show it: each query value masked (`?token=***`), since a gateway
 * token often rides there (the SDK leaves the query out of its own messages likewise).
 */
export function shownUrl(url: string | URL): string {
  const u = new URL(url);
  if (!u.search) return String(url); // as given: http://h:8787, not http://h:8787/
  const masked = [...u.searchParams.keys()].map((k) => `${encodeURIComponent(k)}=***`).join('&');
  return `${u.origin}${u.pathname}?${masked}${u.hash}`;
}
