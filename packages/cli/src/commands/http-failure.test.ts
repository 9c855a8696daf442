import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { WarrenHttpError } from '@warren/sdk';
import { describe, expect, it } from 'vitest';
import { describeHttpFailure } from './http-failure';

describe('describeHttpFailure', () => {
  it('prints the problem with each failing field the ingest named', () => {
    const err = new WarrenHttpError(422, {
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'input does not match the schema of task demo.add',
      errors: [{ path: 'input.b', message: 'Invalid input: expected number, received undefined' }],
    });
    expect(describeHttpFailure(err, 'http://h:8787').message).toBe(
      'http://h:8787: HTTP 422 Unprocessable Content: input does not match the schema of task demo.add\n' +
        '  input.b: Invalid input: expected number, received undefined',
    );
  });

  it('names the unreachable URL and the network cause, not just "fetch failed"', async () => {
    const srv = createServer().listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const { port } = srv.address() as AddressInfo;
    srv.close(); // a port nobody listens on
    const url = `http://127.0.0.1:${port}`;
    const err = await fetch(url).catch((e: unknown) => e);
    expect(describeHttpFailure(err, url).message).toBe(
      `cannot reach ${url}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
