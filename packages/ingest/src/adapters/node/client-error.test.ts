import net from 'node:net';
import type { ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_ALL, testIngest } from '../../testing-helpers';
import { serveNode } from './serve';

/**
 * A request Node's HTTP parser refuses before the app sees it (a control character in a header,
 * headers over Node's 16 KB, a broken request line) got Node's bare `400` / `431` with no body:
 * the one error an API client could get that is not problem+json.
 */
describe('serveNode: requests the HTTP parser refuses', () => {
  let server: ServerType;
  let port = 0;
  beforeAll(async () => {
    server = await serveNode(
      testIngest({ config: { auth: { keys: [{ key: KEY_ALL }] } } }).app,
      0,
      '127.0.0.1',
    );
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => server?.close());

  const raw = (text: string) =>
    new Promise<{ status: number; type?: string; body: string }>((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => sock.write(text));
      let out = '';
      sock.on('data', (d) => {
        out += d;
      });
      sock.on('close', () => {
        const [head = '', body = ''] = out.split('\r\n\r\n');
        resolve({
          status: Number(head.split(' ')[1]),
          type: /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1],
          body,
        });
      });
      sock.on('error', reject);
    });

  it.each([
    [
      'a control character in Authorization',
      `GET /v1/jobs/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \x01k\r\n\r\n`,
      400,
    ],
    [
      'headers over the limit',
      `GET /v1/jobs/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'k'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
    ['a broken request line', 'GET\r\n\r\n', 400],
  ])('%s: problem+json', async (_, text, status) => {
    const res = await raw(text);
    expect(res.status).toBe(status);
    expect(res.type).toBe('application/problem+json');
    expect(JSON.parse(res.body)).toMatchObject({ status, title: expect.any(String) });
  });

  it('a good request on the same server is still answered', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  });
});
