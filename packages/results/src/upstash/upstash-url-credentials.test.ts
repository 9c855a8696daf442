import { ConfigError } from '@warren/core';
import { describe, expect, it } from 'vitest';
import { createUpstashResultStore } from '../index';
import { toStoreError } from '../store-errors';

// fetch refuses a URL holding user:password@ on every request and quotes it whole; that message
// became the store error's, logged and sent to API callers as a 503's detail.
describe('an Upstash REST URL with credentials', () => {
  it('is refused when the store is made, naming the URL without its password', () => {
    const make = () => createUpstashResultStore({ url: 'http://bob:s3cret-pw@127.0.0.1:1', token: 't' });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(/must not carry user:password@/);
    expect(make).not.toThrow(/s3cret-pw/);
  });

  it('is refused without echoing the password when the scheme is wrong too', () => {
    expect(() => createUpstashResultStore({ url: 'ftp://bob:s3cret-pw@h', token: 't' })).not.toThrow(
      /s3cret-pw/,
    );
  });
});

describe('a store error quoting a URL', () => {
  it('masks its credentials and secret query values', () => {
    const err = toStoreError(
      new TypeError(
        'Request cannot be constructed from a URL that includes credentials: http://bob:s3cret-pw@h:1/?token=abc',
      ),
      'get',
    );
    expect(err.message).not.toMatch(/s3cret-pw|abc/);
    expect(err.message).toMatch(/http:\/\/bob:\[Redacted\]@h:1/);
  });
});
