import { MAX_JSON_DEPTH } from '@warren/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { problemHandler } from '../problem/problem';
import { jsonBody } from './json-body';

function app(limit = 64) {
  const a = new Hono();
  a.onError(problemHandler());
  a.post('/', jsonBody(limit), (c) => c.json({ got: c.get('jsonBody') }));
  return a;
}
const send = (body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  app().request('/', { method: 'POST', headers, body });

describe('jsonBody', () => {
  it('parses JSON with any json content type', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json']) {
      const res = await send('{"a":1}', { 'content-type': type });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ got: { a: 1 } });
    }
  });
  it('415 without a JSON content type', async () => {
    expect((await send('{}', {})).status).toBe(415);
    expect((await send('{}', { 'content-type': 'application/jsonx' })).status).toBe(415);
  });
  it('413 over the limit even when the content-length lies or is absent', async () => {
    expect((await send(JSON.stringify({ s: 'x'.repeat(100) }))).status).toBe(413);
    const stream = new ReadableStream({
      start(ctrl) {
        for (let i = 0; i < 10; i++) ctrl.enqueue(new TextEncoder().encode('x'.repeat(20)));
        ctrl.close();
      },
    });
    const res = await app().request('/', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '2' },
      body: stream,
      // @ts-expect-error Node's fetch needs duplex for stream bodies
      duplex: 'half',
    });
    expect(res.status).toBe(413);
  });
  it('400 naming (body) for nesting deeper than MAX_JSON_DEPTH (it would overflow the publish)', async () => {
    const a = new Hono();
    a.onError(problemHandler());
    a.post('/', jsonBody(1 << 20), (c) => c.json({ ok: true }));
    const at = (n: number) =>
      a.request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '['.repeat(n) + ']'.repeat(n),
      });
    expect((await at(MAX_JSON_DEPTH)).status).toBe(200);
    const deep = await at(MAX_JSON_DEPTH + 1);
    expect(deep.status).toBe(400);
    expect((await deep.json()).errors[0].path).toBe('(body)');
  });
  it('400 for invalid JSON and invalid UTF-8', async () => {
    expect((await send('{"a":')).status).toBe(400);
    expect((await send(new Uint8Array([0x22, 0xff, 0x22]))).status).toBe(400);
  });
});
